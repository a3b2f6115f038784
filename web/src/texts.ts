import { policy } from '../../shared/domain/policy.js';
import { policyTexts } from '../../shared/domain/policy-texts.js';

/**
 * Every text of the portal, in Dutch (the default) and English. The build renders the Dutch text into the
 * HTML with a `data-i18n` key; the browser swaps in the English one when the visitor chooses it. Texts about
 * what ZorgSom stores, why and for how long are derived from the policy file, never retyped here.
 * DOM-free: imported by the build (Node) and by the browser bundle.
 */
export type Language = 'nl' | 'en';
export const languages: readonly Language[] = ['nl', 'en'];
export interface Text {
  nl: string;
  en: string;
}

const t = (nl: string, en: string): Text => ({ nl, en });

const retentionYears = policy.retention.afterLicenceEndMonths / 12;
const deadlineMonths = policy.requests.responseDeadlineMonths;
const budgetDestroyDays = policy.budgetReview.destroyUploadAfterDays;
const budgetMaxMegabytes = policy.budgetReview.maxUploadBytes / (1024 * 1024);
const months = (n: number): Text =>
  t(n === 1 ? 'één maand' : `${n} maanden`, n === 1 ? 'one month' : `${n} months`);

export const legalBasisTexts = {
  contract: t('Uitvoering van de licentieovereenkomst', 'Performance of the licence agreement'),
  'legal-obligation': t('Wettelijke verplichting', 'Legal obligation'),
  'legitimate-interest': t('Gerechtvaardigd belang', 'Legitimate interest'),
} as const satisfies Record<(typeof policyTexts.purposes)[number]['legalBasis'], Text>;

export const disclosureBasisTexts = {
  'legal-obligation': t('als de wet ons daartoe verplicht', 'when the law obliges us to'),
  'business-necessity': t(
    'als het noodzakelijk is voor de bedrijfsvoering',
    'when it is necessary for our business',
  ),
  fraud: t('in geval van fraude', 'in case of fraud'),
} as const satisfies Record<(typeof policy.disclosureBases)[number], Text>;

export const requestTypeTexts = {
  overview: t('Een overzicht van mijn gegevens', 'An overview of my data'),
  correction: t('Mijn gegevens corrigeren of aanvullen', 'Correct or complete my data'),
  deletion: t('Mijn gegevens verwijderen', 'Delete my data'),
  'marketing-opt-out': t(
    'Geen informatie over producten en diensten meer',
    'No more information about products and services',
  ),
  question: t('Een vraag over privacy', 'A question about privacy'),
  complaint: t(
    'Een klacht over hoe ZorgSom met mijn gegevens omgaat',
    'A complaint about how ZorgSom handles my data',
  ),
} as const;
export type RequestTypeId = keyof typeof requestTypeTexts;
export const requestTypeIds = Object.keys(requestTypeTexts) as RequestTypeId[];

export const requestStatusTexts = {
  'awaiting-confirmation': t(
    'Wacht op uw bevestiging (zie uw e-mail)',
    'Waiting for your confirmation (see your email)',
  ),
  open: t('In behandeling', 'In progress'),
  'awaiting-staff-approval': t('Wordt beoordeeld door een medewerker', 'Being reviewed by a member of staff'),
  completed: t('Afgehandeld', 'Completed'),
  rejected: t('Afgewezen', 'Rejected'),
  'closed-unconfirmed': t('Gesloten: niet bevestigd', 'Closed: not confirmed'),
  linked: t('Samengevoegd met een eerder verzoek', 'Merged with an earlier request'),
} as const satisfies Record<string, Text>;

export const budgetReviewStatusTexts = {
  requested: t('Wacht op uw beslissing', 'Waiting for your decision'),
  declined: t('Geweigerd: u hebt niets gedeeld', 'Declined: you shared nothing'),
  accepted: t('Gedeeld met toestemming van uw patiënt', 'Shared with your patient’s consent'),
  closed: t('Controle afgerond', 'Check completed'),
  lapsed: t('Vervallen: niet beantwoord', 'Lapsed: not answered'),
} as const satisfies Record<string, Text>;

export const licenceStatusTexts = {
  pending: t('Nog niet bevestigd', 'Not yet confirmed'),
  active: t('Actief', 'Active'),
  ended: t('Beëindigd', 'Ended'),
} as const satisfies Record<string, Text>;

export const texts = {
  'site.name': t('ZorgSom Privacy', 'ZorgSom Privacy'),
  'site.skip': t('Naar de inhoud', 'Skip to content'),
  'site.switchLanguage': t('English', 'Nederlands'),
  'site.switchLanguageLabel': t('Switch to English', 'Schakel naar Nederlands'),
  'nav.label': t('Hoofdmenu', 'Main menu'),
  'nav.menu': t('Menu', 'Menu'),
  'nav.home': t('Home', 'Home'),
  'nav.signup': t('Aanmelden', 'Sign up'),
  'nav.signIn': t('Inloggen', 'Sign in'),
  'nav.request': t('Privacyverzoek', 'Privacy request'),
  'nav.myData': t('Mijn gegevens', 'My data'),
  'nav.marketing': t('Marketing', 'Marketing'),
  'nav.requests': t('Mijn verzoeken', 'My requests'),
  'nav.budgetReviews': t('Begrotingscontrole', 'Budget check'),
  'nav.signOut': t('Uitloggen', 'Sign out'),
  'nav.privacy': t('Privacy statement', 'Privacy statement'),
  'footer.contact': t(
    `Vragen of klachten? Mail ${policy.controller.contactEmail} onder vermelding van ‘${policy.controller.privacySubjectKeyword}’, of gebruik het formulier voor een privacyverzoek.`,
    `Questions or complaints? Email ${policy.controller.contactEmail} with ‘${policy.controller.privacySubjectKeyword}’ in the subject, or use the privacy request form.`,
  ),
  'common.required': t('(verplicht)', '(required)'),
  'common.optional': t('(niet verplicht)', '(optional)'),
  'common.save': t('Opslaan', 'Save'),
  'common.cancel': t('Annuleren', 'Cancel'),
  'common.change': t('Wijzigen', 'Change'),
  'common.sessionEnding': t(
    'Uw sessie verloopt over 2 minuten. Wat u hebt ingevuld gaat niet verloren: na opnieuw inloggen staat het er nog.',
    'Your session ends in 2 minutes. Nothing you have typed is lost: after signing in again it will still be there.',
  ),
  'common.draftRestored': t(
    'U bent weer ingelogd. Wat u had ingevuld staat er nog; controleer het en sla het op.',
    'You are signed in again. What you had typed is still there; check it and save it.',
  ),
  'common.saved': t('Opgeslagen.', 'Saved.'),
  'common.loading': t('Bezig met laden…', 'Loading…'),
  'common.noScript': t(
    `Dit portaal heeft JavaScript nodig om uw gegevens veilig te versturen en te tonen; zet JavaScript aan in uw browser. Zonder JavaScript kunt u deze pagina lezen, en voor alles mailen naar ${policy.controller.contactEmail} onder vermelding van ‘${policy.controller.privacySubjectKeyword}’.`,
    `This portal needs JavaScript to send and show your data safely; please turn JavaScript on in your browser. Without JavaScript you can read this page, and for anything else email ${policy.controller.contactEmail} with ‘${policy.controller.privacySubjectKeyword}’ in the subject.`,
  ),
  'common.networkError': t(
    'Er is geen verbinding met ZorgSom. Controleer uw internetverbinding en probeer het opnieuw.',
    'Cannot reach ZorgSom. Please check your internet connection and try again.',
  ),
  'common.sessionExpired': t(
    'U bent niet (meer) ingelogd. Log in met een code per e-mail.',
    'You are not (or no longer) signed in. Please sign in with a code by email.',
  ),
  'common.signedOut': t('U bent uitgelogd.', 'You have signed out.'),
  'common.noPatientData': t(
    'Vul nooit gegevens van patiënten in, zoals een burgerservicenummer (BSN), een geboortedatum, een diagnose of medicijnen: het formulier neemt ze niet aan.',
    'Never enter patient data, such as a citizen service number (BSN), a date of birth, a diagnosis or medication: the form does not accept it.',
  ),

  'field.name': t('Naam', 'Name'),
  'field.street': t('Straat', 'Street'),
  'field.houseNumber': t('Huisnummer', 'House number'),
  'field.houseNumberHint': t(
    'Met de letter of toevoeging als die er is, zoals 12, 12a, 12-2 of 12 bis.',
    'With the letter or addition if there is one, such as 12, 12a, 12-2 or 12 bis.',
  ),
  'field.postcode': t('Postcode', 'Postcode'),
  'field.postcodeHint': t(
    'Bijvoorbeeld 1234 AB in Nederland, 1000 in België, 10115 in Duitsland.',
    'For example 1234 AB in the Netherlands, 1000 in Belgium, 10115 in Germany.',
  ),
  'field.city': t('Plaats', 'City'),
  'field.country': t('Land', 'Country'),
  'field.email': t('E-mailadres', 'Email address'),
  'field.iban': t('IBAN', 'IBAN'),
  'field.ibanHint': t('Bijvoorbeeld NL91 ABNA 0417 1643 00.', 'For example NL91 ABNA 0417 1643 00.'),
  'field.code': t('Code uit de e-mail', 'Code from the email'),
  'field.codeHint': t('Zes cijfers.', 'Six digits.'),
  'field.address': t('Adres', 'Address'),

  'home.title': t('Uw privacy bij ZorgSom', 'Your privacy at ZorgSom'),
  'home.intro': t(
    'Hier regelt u als licentiehouder alles over uw gegevens bij ZorgSom: aanmelden, uw gegevens inzien en verbeteren, een overzicht downloaden, u afmelden voor marketing, of een vraag of klacht indienen. Hoe wij met uw gegevens omgaan, staat in ons privacy statement.',
    'Here you as a licensee arrange everything about your data at ZorgSom: sign up, view and correct your data, download an overview, opt out of marketing, or ask a question or complain. How we handle your data is set out in our privacy statement.',
  ),
  'home.start': t('Aan de slag', 'Get started'),
  'home.ctaSignup': t('Aanmelden voor een licentie', 'Sign up for a licence'),
  'home.ctaSignIn': t('Inloggen met een code per e-mail', 'Sign in with a code by email'),
  'home.ctaRequest': t(
    'Een privacyverzoek doen zonder in te loggen',
    'Make a privacy request without signing in',
  ),
  'home.summaryTitle': t('In het kort', 'In short'),
  'home.readStatement': t('Lees het volledige privacy statement', 'Read the full privacy statement'),

  'privacy.title': t('Privacy statement', 'Privacy statement'),
  'privacy.contents': t('Inhoud', 'Contents'),

  'notFound.title': t('Deze pagina bestaat niet', 'This page does not exist'),
  'notFound.intro': t(
    'Misschien is de link niet volledig of verouderd. Kies hieronder waar u heen wilt.',
    'The link may be incomplete or out of date. Choose where you would like to go below.',
  ),

  'signup.title': t('Aanmelden', 'Sign up'),
  'signup.intro': t(
    'Voor een licentie hebben wij alleen uw naam, adres, e-mailadres en IBAN nodig. U krijgt een code per e-mail om uw aanmelding te bevestigen.',
    'For a licence we need only your name, address, email address and IBAN. You will receive a code by email to confirm your signup.',
  ),
  'signup.marketingLegend': t(
    'Informatie over producten en diensten',
    'Information about products and services',
  ),
  'signup.marketingOptOut': t(
    'Ik wil géén informatie over producten en diensten van ZorgSom ontvangen.',
    'I do not want to receive information about ZorgSom’s products and services.',
  ),
  'signup.languageHint': t(
    'Wij mailen u in het Nederlands, de taal waarin u dit portaal nu leest. U kunt dat later wijzigen bij Mijn gegevens.',
    'We will email you in English, the language you are reading this portal in. You can change that later under My data.',
  ),
  'signup.submit': t('Aanmelden', 'Sign up'),
  'signup.done': t(
    'Bijna klaar. Wij hebben een code naar uw e-mailadres gestuurd. Vul die hieronder in.',
    'Almost done. We have sent a code to your email address. Enter it below.',
  ),

  'confirm.title': t('Aanmelding bevestigen', 'Confirm your signup'),
  'confirm.intro': t(
    `Vul uw e-mailadres en de code uit onze e-mail in. De code is ${policy.signIn.codeTtlMinutes} minuten geldig.`,
    `Enter your email address and the code from our email. The code is valid for ${policy.signIn.codeTtlMinutes} minutes.`,
  ),
  'confirm.submit': t('Bevestigen', 'Confirm'),
  'confirm.fromLink': t(
    'De code uit de link is ingevuld. Vul uw e-mailadres in als dat nog leeg is, en bevestig.',
    'The code from the link has been filled in. Enter your email address if it is still empty, and confirm.',
  ),
  'confirm.welcome': t(
    'Welkom bij ZorgSom: uw licentie is actief. Hieronder staat alles wat wij van u bewaren; klopt iets niet, kies dan ‘Wijzigen’. Voortaan logt u in met een code per e-mail. Een overzicht als brief kunt u onderaan downloaden.',
    'Welcome to ZorgSom: your licence is active. Below is everything we keep about you; if something is wrong, choose ‘Change’. From now on you sign in with a code by email. You can download an overview as a letter at the bottom.',
  ),
  'resend.question': t('Geen code ontvangen, of is hij verlopen?', 'No code received, or has it expired?'),
  'resend.submit': t('Stuur een nieuwe code', 'Send a new code'),
  'resend.needEmail': t('Vul eerst uw e-mailadres in.', 'Please enter your email address first.'),
  'resend.sent': t(
    `Als dit e-mailadres bij ons bekend is, hebben wij een nieuwe code gestuurd. Kijk ook in uw map met ongewenste e-mail. De code is ${policy.signIn.codeTtlMinutes} minuten geldig; u kunt ${policy.signIn.maxCodesPerHour} codes per uur aanvragen.`,
    `If this email address is known to us, we have sent a new code. Please also check your spam folder. The code is valid for ${policy.signIn.codeTtlMinutes} minutes; you can ask for ${policy.signIn.maxCodesPerHour} codes an hour.`,
  ),

  'signIn.title': t('Inloggen', 'Sign in'),
  'signIn.intro': t(
    'U logt in met een code die wij naar uw e-mailadres sturen. Een wachtwoord is niet nodig.',
    'You sign in with a code we send to your email address. No password is needed.',
  ),
  'signIn.sendCode': t('Stuur mij een code', 'Send me a code'),
  'signIn.codeSent': t(
    `Als dit e-mailadres bij ons bekend is, hebben wij een code gestuurd. De code is ${policy.signIn.codeTtlMinutes} minuten geldig. Hebt u zich aangemeld maar nog niet bevestigd, dan krijgt u een nieuwe bevestigingscode; die werkt hier ook.`,
    `If this email address is known to us, we have sent a code. The code is valid for ${policy.signIn.codeTtlMinutes} minutes. If you signed up but have not confirmed yet, you get a new confirmation code; it works here too.`,
  ),
  'signIn.codeLegend': t('Code invullen', 'Enter the code'),
  'signIn.submit': t('Inloggen', 'Sign in'),
  'signIn.noAccount': t('Nog geen licentie? Meld u aan.', 'No licence yet? Sign up.'),

  'myData.title': t('Mijn gegevens', 'My data'),
  'myData.intro': t(
    'Dit zijn alle persoonsgegevens die ZorgSom van u bewaart. Klopt iets niet of ontbreekt iets, pas het dan hieronder aan.',
    'This is all the personal data ZorgSom keeps about you. If something is wrong or missing, change it below.',
  ),
  'myData.viewTitle': t('Wat wij bewaren', 'What we keep'),
  'myData.licence': t('Licentie', 'Licence'),
  'myData.marketing': t('Informatie over producten en diensten', 'Information about products and services'),
  'myData.marketingYes': t('U ontvangt deze informatie.', 'You receive this information.'),
  'myData.marketingNo': t('U bent afgemeld.', 'You have opted out.'),
  'myData.mailLanguage': t('Taal van onze e-mails', 'Language of our emails'),
  'myData.mailLanguageNl': t('Nederlands', 'Dutch'),
  'myData.mailLanguageEn': t('Engels', 'English'),
  'myData.languageLegend': t('Taal van onze e-mails wijzigen', 'Change the language of our emails'),
  'myData.languageHint': t(
    'Elke e-mail die ZorgSom u stuurt, is in deze taal.',
    'Every email ZorgSom sends you is in this language.',
  ),
  'myData.saveLanguage': t('Taal opslaan', 'Save language'),
  'myData.editTitle': t('Corrigeren of aanvullen', 'Correct or complete'),
  'myData.nameLegend': t('Naam wijzigen', 'Change name'),
  'myData.addressLegend': t('Adres wijzigen', 'Change address'),
  'myData.emailLegend': t('E-mailadres wijzigen', 'Change email address'),
  'myData.emailHint': t(
    'Wij sturen een code naar het nieuwe adres. Het nieuwe adres geldt pas als u die code hebt ingevuld.',
    'We send a code to the new address. The new address applies only once you have entered that code.',
  ),
  'myData.emailPending': t(
    'Wij hebben een code naar uw nieuwe e-mailadres gestuurd. Vul die in om de wijziging af te ronden.',
    'We have sent a code to your new email address. Enter it to complete the change.',
  ),
  'myData.emailConfirm': t('Nieuw e-mailadres bevestigen', 'Confirm new email address'),
  'myData.emailConfirmed': t('Uw nieuwe e-mailadres is bevestigd.', 'Your new email address is confirmed.'),
  'myData.ibanLegend': t('IBAN wijzigen', 'Change IBAN'),
  'myData.saveName': t('Naam opslaan', 'Save name'),
  'myData.saveAddress': t('Adres opslaan', 'Save address'),
  'myData.saveEmail': t('E-mailadres wijzigen', 'Change email address'),
  'myData.saveIban': t('IBAN opslaan', 'Save IBAN'),
  'myData.endLicence': t('Licentie beëindigen', 'End licence'),
  'licenceEnd.legend': t(
    'Weet u zeker dat u uw licentie wilt beëindigen?',
    'Are you sure you want to end your licence?',
  ),
  'licenceEnd.consequences': t(
    `Uw licentie eindigt dan vandaag; dat kunt u niet ongedaan maken. Wij bewaren uw gegevens daarna nog hooguit ${policy.retention.afterLicenceEndMonths / 12} jaar en vernietigen ze dan; de precieze datum ziet u direct hierna. Tot die tijd kunt u nog inloggen, uw overzicht downloaden en privacyverzoeken doen. Wilt u dat wij uw gegevens eerder verwijderen, doe dan een verzoek om verwijdering.`,
    `Your licence then ends today; this cannot be undone. We keep your data for at most ${policy.retention.afterLicenceEndMonths / 12} years after that and then destroy it; you see the exact date straight after. Until then you can still sign in, download your overview and make privacy requests. If you want us to delete your data sooner, make a deletion request.`,
  ),
  'licenceEnd.confirm': t('Ja, beëindig mijn licentie', 'Yes, end my licence'),
  'licenceEnd.keep': t('Nee, houd mijn licentie', 'No, keep my licence'),
  'licenceEnd.done': t(
    'Uw licentie is beëindigd. Wij vernietigen al uw gegevens uiterlijk op de datum hieronder bij ‘Licentie’.',
    'Your licence has ended. We destroy all your data at the latest on the date shown under ‘Licence’ below.',
  ),
  'myData.destroyedBy': t('uiterlijk vernietigd op', 'destroyed at the latest on'),
  'request.deletionLegend': t(
    'Weet u zeker dat u om verwijdering vraagt?',
    'Are you sure you are asking for deletion?',
  ),
  'request.deletionConsequences': t(
    `Een medewerker beoordeelt uw verzoek binnen ${months(deadlineMonths).nl}. Na goedkeuring vernietigen wij al uw gegevens meteen: uw licentie eindigt dan en u kunt niet meer inloggen. Dat kunt u niet ongedaan maken. Alleen bij fraude of een rechtszaak mogen wij gegevens langer bewaren. Wilt u eerst een overzicht? Download het op Mijn gegevens.`,
    `A member of staff reviews your request within ${months(deadlineMonths).en}. Once approved, we destroy all your data at once: your licence then ends and you can no longer sign in. This cannot be undone. Only in case of fraud or a legal claim may we keep data longer. Want an overview first? Download it on My data.`,
  ),
  'request.deletionConfirm': t('Ja, verwijder mijn gegevens', 'Yes, delete my data'),
  'request.deletionBack': t('Nee, terug', 'No, go back'),
  'myData.exportTitle': t('Overzicht downloaden', 'Download an overview'),
  'myData.exportIntro': t(
    'Het overzicht bevat alles wat wij van u bewaren: uw gegevens, uw licentie, uw keuze voor informatie over producten en diensten, uw privacyverzoeken, elke verstrekking aan anderen en wanneer wij alles vernietigen.',
    'The overview holds everything we keep about you: your data, your licence, your choice about information on products and services, your privacy requests, every disclosure to others and when we destroy it all.',
  ),
  'myData.exportPdf': t('Download als brief (PDF)', 'Download as a letter (PDF)'),
  'myData.exportJson': t('Download als JSON-bestand', 'Download as a JSON file'),
  'myData.exportPage': t('Bekijk als leesbare pagina', 'View as a readable page'),
  'myData.exportDownloaded': t('Het bestand is gedownload.', 'The file has been downloaded.'),
  'myData.moreTitle': t('Meer', 'More'),
  'myData.deleteHint': t(
    'Wilt u dat wij uw gegevens verwijderen, of hebt u een vraag of klacht? Doe een privacyverzoek.',
    'Do you want us to delete your data, or do you have a question or complaint? Make a privacy request.',
  ),

  'export.title': t('Overzicht van uw gegevens', 'Overview of your data'),
  'export.intro': t(
    'Alles wat ZorgSom van u bewaart, op het moment van opvragen. U kunt deze pagina afdrukken of als PDF bewaren.',
    'Everything ZorgSom keeps about you, at the moment you asked. You can print this page or save it as a PDF.',
  ),
  'export.print': t('Afdrukken', 'Print'),
  'export.generatedAt': t('Opgesteld op', 'Generated on'),
  'export.personalData': t('Persoonsgegevens', 'Personal data'),
  'export.licenceStarted': t('Licentie gestart', 'Licence started'),
  'export.licenceEnded': t('Licentie beëindigd', 'Licence ended'),
  'export.notApplicable': t('—', '—'),
  'export.retention': t('Bewaartermijn', 'Retention'),
  'export.destroyedBy': t('Uiterlijk vernietigd op', 'Destroyed at the latest on'),
  'export.destroyedWhileActive': t(
    `Zolang uw licentie loopt; daarna uiterlijk ${retentionYears} jaar.`,
    `While your licence runs; after that at most ${retentionYears} years.`,
  ),
  'export.requests': t('Privacyverzoeken', 'Privacy requests'),
  'export.noRequests': t('Geen privacyverzoeken.', 'No privacy requests.'),
  'export.disclosures': t('Verstrekkingen aan derden', 'Disclosures to third parties'),
  'export.noDisclosures': t(
    'Uw gegevens zijn aan niemand verstrekt.',
    'Your data has not been given to anyone.',
  ),
  'export.recipient': t('Ontvanger', 'Recipient'),
  'export.basis': t('Grond', 'Basis'),
  'export.categories': t('Gegevens', 'Data'),
  'export.date': t('Datum', 'Date'),
  'export.purposes': t('Doelen en grondslagen', 'Purposes and legal bases'),
  'export.back': t('Terug naar mijn gegevens', 'Back to my data'),

  'marketing.title': t('Informatie over producten en diensten', 'Information about products and services'),
  'marketing.intro': t(
    'ZorgSom mag u informeren over haar producten en diensten. U kunt dat hier aan- of uitzetten, wanneer u wilt.',
    'ZorgSom may inform you about its products and services. You can turn this on or off here, whenever you like.',
  ),
  'marketing.legend': t('Wilt u deze informatie ontvangen?', 'Do you want to receive this information?'),
  'marketing.in': t('Ja, informeer mij', 'Yes, keep me informed'),
  'marketing.out': t('Nee, ik wil geen informatie ontvangen', 'No, I do not want to receive information'),
  'marketing.savedIn': t(
    'Opgeslagen: u ontvangt informatie over producten en diensten.',
    'Saved: you receive information about products and services.',
  ),
  'marketing.savedOut': t(
    'Opgeslagen: u bent afgemeld voor informatie over producten en diensten.',
    'Saved: you have opted out of information about products and services.',
  ),

  'request.title': t('Privacyverzoek', 'Privacy request'),
  'request.intro': t(
    `Vraag een overzicht van uw gegevens, laat ze corrigeren, aanvullen of verwijderen, of stel een vraag of dien een klacht in. Wij antwoorden binnen ${months(deadlineMonths).nl}.`,
    `Ask for an overview of your data, have it corrected, completed or deleted, or ask a question or make a complaint. We answer within ${months(deadlineMonths).en}.`,
  ),
  'request.signedOutIntro': t(
    'U bent niet ingelogd. Vul het e-mailadres van uw licentie in: wij sturen u een link om het verzoek te bevestigen. Zo weten wij dat het verzoek van u komt.',
    'You are not signed in. Enter the email address of your licence: we send you a link to confirm the request. That is how we know the request comes from you.',
  ),
  'request.typeLegend': t('Wat wilt u?', 'What would you like?'),
  'request.message': t('Toelichting', 'Details'),
  'request.messageHint': t(
    'Bijvoorbeeld wat er gecorrigeerd moet worden, of uw vraag. Vul nooit gegevens van patiënten in.',
    'For example what needs correcting, or your question. Never enter patient data.',
  ),
  'request.submit': t('Verzoek versturen', 'Send request'),
  'request.sentSignedIn': t('Uw verzoek is ontvangen.', 'Your request has been received.'),
  'request.sentByEmail': t(
    'Controleer uw e-mail. Als dit e-mailadres bij een licentie hoort, hebben wij een link gestuurd om uw verzoek te bevestigen.',
    'Check your email. If this email address belongs to a licence, we have sent a link to confirm your request.',
  ),
  'request.reference': t('Kenmerk', 'Reference'),
  'request.dueAt': t('Antwoord uiterlijk op', 'Answer due by'),
  'request.seeAll': t('Bekijk al uw verzoeken', 'See all your requests'),

  'confirmRequest.title': t('Verzoek bevestigen', 'Confirm your request'),
  'confirmRequest.busy': t('Uw verzoek wordt bevestigd…', 'Confirming your request…'),
  'confirmRequest.done': t('Uw verzoek is bevestigd.', 'Your request is confirmed.'),
  'confirmRequest.noLink': t(
    'Deze link is niet volledig. Open de link uit de e-mail opnieuw, of doe een nieuw verzoek.',
    'This link is incomplete. Open the link from the email again, or make a new request.',
  ),

  'requests.title': t('Mijn privacyverzoeken', 'My privacy requests'),
  'requests.intro': t(
    `Elk verzoek met zijn status en de datum waarop u uiterlijk antwoord krijgt (${months(deadlineMonths).nl} na ontvangst).`,
    `Each request with its status and the date by which you will have an answer (${months(deadlineMonths).en} after receipt).`,
  ),
  'requests.none': t(
    'U hebt nog geen privacyverzoeken gedaan.',
    'You have not made any privacy requests yet.',
  ),
  'requests.new': t('Nieuw privacyverzoek', 'New privacy request'),
  'requests.type': t('Verzoek', 'Request'),
  'requests.status': t('Status', 'Status'),
  'requests.receivedAt': t('Ontvangen', 'Received'),
  'requests.channel': t('Via', 'Via'),
  'requests.channelWeb': t('website', 'website'),
  'requests.channelEmail': t('e-mail', 'email'),
  'requests.history': t('Verloop', 'History'),
  'requests.caption': t('Uw privacyverzoeken, nieuwste eerst', 'Your privacy requests, newest first'),

  'budget.title': t('Begrotingscontrole', 'Budget check'),
  'budget.intro': t(
    `Soms heeft ZorgSom gegevens van een patiënt nodig om een begroting na te kijken. Dan vragen wij die hier bij u op. U beslist zelf of u ze geeft, en u geeft ze alleen als uw patiënt daarvoor toestemming heeft gegeven. Wij gebruiken het bestand alleen voor die controle en vernietigen het ${budgetDestroyDays} dagen nadat de controle is afgerond.`,
    `Sometimes ZorgSom needs a patient’s data to check a budget. We then ask you for it here. You decide whether to provide it, and you provide it only if your patient has given consent. We use the file for that check only and destroy it ${budgetDestroyDays} days after the check is completed.`,
  ),
  'budget.none': t(
    'ZorgSom heeft u niet om gegevens voor een begrotingscontrole gevraagd.',
    'ZorgSom has not asked you for data to check a budget.',
  ),
  'budget.requestedAt': t('Gevraagd op', 'Asked on'),
  'budget.status': t('Status', 'Status'),
  'budget.answerBy': t('Beslis uiterlijk op', 'Decide by'),
  'budget.decidedAt': t('Beslist op', 'Decided on'),
  'budget.consentAttestedAt': t('Toestemming bevestigd op', 'Consent confirmed on'),
  'budget.closedAt': t('Controle afgerond op', 'Check completed on'),
  'budget.file': t('Uw bestand', 'Your file'),
  'budget.fileDestroyed': t('Vernietigd.', 'Destroyed.'),
  'budget.fileDestroyedBy': t('Wordt uiterlijk vernietigd op', 'Will be destroyed at the latest on'),
  'budget.decisionLegend': t('Uw beslissing', 'Your decision'),
  'budget.explain': t(
    `U beslist zelf of u deze gegevens deelt; weigeren mag altijd en heeft geen gevolgen voor uw licentie. Deel ze alleen als uw patiënt u daarvoor toestemming heeft gegeven. Wij vernietigen het bestand ${budgetDestroyDays} dagen nadat de controle is afgerond. Stuur patiëntgegevens nooit per e-mail.`,
    `You decide whether to share this data; you may always decline, and it has no effect on your licence. Share it only if your patient has given you consent. We destroy the file ${budgetDestroyDays} days after the check is completed. Never send patient data by email.`,
  ),
  'budget.consent': t(
    'Ik heb toestemming van mijn patiënt om deze gegevens met ZorgSom te delen voor deze begrotingscontrole.',
    'I have my patient’s consent to share this data with ZorgSom for this budget check.',
  ),
  'budget.upload': t('Bestand met de gevraagde gegevens', 'File with the requested data'),
  'budget.uploadHint': t(
    `PDF, CSV, Excel (.xlsx), PNG of JPEG, hooguit ${budgetMaxMegabytes} MB.`,
    `PDF, CSV, Excel (.xlsx), PNG or JPEG, at most ${budgetMaxMegabytes} MB.`,
  ),
  'budget.share': t('Gegevens delen', 'Share the data'),
  'budget.decline': t('Niet delen', 'Do not share'),
  'budget.shared': t(
    `Het bestand is gedeeld. Wij vernietigen het ${budgetDestroyDays} dagen nadat de controle is afgerond.`,
    `The file has been shared. We destroy it ${budgetDestroyDays} days after the check is completed.`,
  ),
  'budget.declined': t(
    'U hebt het verzoek geweigerd. Wij hebben geen gegevens ontvangen.',
    'You have declined the request. We have received no data.',
  ),
  'budget.fileRequired': t('Kies het bestand dat u wilt delen.', 'Choose the file you want to share.'),
  'budget.fileTooLarge': t(
    `Dit bestand is groter dan ${budgetMaxMegabytes} MB. Kies een kleiner bestand.`,
    `This file is larger than ${budgetMaxMegabytes} MB. Please choose a smaller file.`,
  ),
  'budget.fileType': t(
    'Kies een PDF-, CSV-, Excel- (.xlsx), PNG- of JPEG-bestand.',
    'Choose a PDF, CSV, Excel (.xlsx), PNG or JPEG file.',
  ),
  'budget.fileEmpty': t(
    'Dit bestand is leeg. Kies het juiste bestand.',
    'This file is empty. Please choose the right file.',
  ),
  'budget.fileUnreadable': t(
    'Dit bestand kon niet worden gelezen. Kies het opnieuw.',
    'This file could not be read. Please choose it again.',
  ),
  'budget.uploadFailed': t(
    'Het bestand kon niet worden verstuurd. Er is niets gedeeld; probeer het opnieuw.',
    'The file could not be sent. Nothing has been shared; please try again.',
  ),
} as const satisfies Record<string, Text>;

export type TextKey = keyof typeof texts;

export function isLanguage(value: unknown): value is Language {
  return value === 'nl' || value === 'en';
}

/** Dates as people read them, in the Netherlands' time zone. */
export function formatDate(iso: string, language: Language, withTime = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Europe/Amsterdam',
  }).format(date);
}

/** `address.postcode` → `f-address-postcode`: the id of the input a field error belongs to. */
export function fieldId(field: string): string {
  return `f-${field.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}
