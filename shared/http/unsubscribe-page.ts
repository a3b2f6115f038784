/** The page behind a marketing mail's unsubscribe link: Dutch first, English below, no script, no style. */
export function unsubscribePage(state: 'confirm' | 'done', token: string): string {
  const escapedToken = token.replace(/[^A-Za-z0-9._-]/g, '');
  const body =
    state === 'confirm'
      ? `<h1>Afmelden voor informatie over ZorgSom</h1>
<p>Wilt u geen informatie over onze producten en diensten meer ontvangen?</p>
<form method="post" action="/api/marketing/unsubscribe?token=${escapedToken}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Afmelden / Unsubscribe</button>
</form>
<p lang="en">Unsubscribe from information about ZorgSom's products and services.</p>`
      : `<h1>U bent afgemeld</h1>
<p>U ontvangt geen informatie over producten en diensten meer. U kunt dit altijd wijzigen in het portaal.</p>
<p lang="en">You are unsubscribed. You can change this at any time in the portal.</p>`;
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ZorgSom</title></head><body><main>
${body}
</main></body></html>`;
}
