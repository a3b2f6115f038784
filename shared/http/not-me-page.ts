/** The page behind the "this was not me" link: Dutch first, English below, no script, no style. */
export function notMePage(state: 'confirm' | 'done', token: string, path: string): string {
  const escapedToken = token.replace(/[^A-Za-z0-9._-]/g, '');
  const body =
    state === 'confirm'
      ? `<h1>Was u dit niet?</h1>
<p>Het e-mailadres van uw ZorgSom-licentie is gewijzigd. Heeft u dat niet zelf gedaan? Meld het hier: wij beëindigen direct alle sessies en een medewerker neemt contact met u op.</p>
<form method="post" action="${path}?token=${escapedToken}">
<button type="submit">Dit was ik niet / This was not me</button>
</form>
<p lang="en">The email address of your ZorgSom licence was changed. If you did not do this, report it here: we end every session at once and a member of staff will contact you.</p>`
      : `<h1>Bedankt voor uw melding</h1>
<p>Alle sessies zijn beëindigd. Een medewerker behandelt uw melding en neemt contact met u op.</p>
<p lang="en">Thank you. Every session was ended; a member of staff will handle your report and contact you.</p>`;
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ZorgSom</title></head><body><main>
${body}
</main></body></html>`;
}
