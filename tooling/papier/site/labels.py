"""The site's words in German and English (the papers' own labels are in papier.i18n)."""

from __future__ import annotations

from papier import i18n

SITE: dict[str, dict[str, str]] = {
    "de": {
        "publications": "Publikationen",
        "all": "Alle",
        "filter": "Nach Art filtern",
        "positionspapier_plural": "Positionspapiere",
        "diskussionspapier_plural": "Diskussionspapiere",
        "potenzialanalyse_plural": "Potenzialanalysen",
        "lead": "Positionspapiere, Potenzialanalysen und weitere Veröffentlichungen – jede "
                "Fassung zum Herunterladen und online zu lesen.",
        "none": "Noch keine Veröffentlichung.",
        "read_online": "Online lesen",
        "downloads": "Herunterladen",
        "versions": "Versionen",
        "versions_caption": "Alle veröffentlichten Fassungen mit ihren Dateien",
        "version": "Version",
        "date": "Stand",
        "files": "Dateien",
        "changes": "Änderungen",
        "citation": "Zitiervorschlag",
        "licence_and_ids": "Lizenz und Nachweise",
        "licence": "Lizenz",
        "authors": "Autorinnen und Autoren",
        "pdf": "PDF, barrierefrei",
        "docx": "Word (DOCX)",
        "html": "Webseite (HTML)",
        "draft": "Entwurf",
        "draft_note": "Arbeitsstand, nicht veröffentlicht. Bitte nicht zitieren.",
        "latest": "neueste Fassung",
        "of_version": "Version {version}",
        "cover_of": "Titelseite",
        "imprint": "Impressum",
        "accessibility": "Barrierefreiheit",
        "accessibility_title": "Erklärung zur Barrierefreiheit",
        "feed": "Neuerscheinungen als Feed (Atom)",
        "site_nav": "Rechtliches und Feed",
        "breadcrumb": "Pfad",
        "skip": "Zum Inhalt springen",
        "publisher": "Herausgeber",
        "partners": "In Zusammenarbeit mit",
        "contact": "Kontakt",
        "responsible": "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV",
        "licences_text": "Jede Publikation steht unter der Lizenz, die auf ihrer Seite und in ihrem "
                         "Impressum genannt ist.",
        "more_messages": "und {n} weitere",
    },
    "en": {
        "publications": "Publications",
        "all": "All",
        "filter": "Filter by kind",
        "positionspapier_plural": "Position papers",
        "diskussionspapier_plural": "Discussion papers",
        "potenzialanalyse_plural": "Potential analyses",
        "lead": "Position papers, potential analyses and other publications – every version to "
                "download and to read online.",
        "none": "No publication yet.",
        "read_online": "Read online",
        "downloads": "Download",
        "versions": "Versions",
        "versions_caption": "Every published version with its files",
        "version": "Version",
        "date": "Date",
        "files": "Files",
        "changes": "Changes",
        "citation": "Suggested citation",
        "licence_and_ids": "Licence and identifiers",
        "licence": "Licence",
        "authors": "Authors",
        "pdf": "PDF, accessible",
        "docx": "Word (DOCX)",
        "html": "Web page (HTML)",
        "draft": "Draft",
        "draft_note": "Working draft, not published. Please do not cite.",
        "latest": "latest version",
        "of_version": "version {version}",
        "cover_of": "Cover",
        "imprint": "Imprint",
        "accessibility": "Accessibility",
        "accessibility_title": "Accessibility statement",
        "feed": "New publications as a feed (Atom)",
        "site_nav": "Legal and feed",
        "breadcrumb": "Breadcrumb",
        "skip": "Skip to content",
        "publisher": "Publisher",
        "partners": "In cooperation with",
        "contact": "Contact",
        "responsible": "Responsible for the content",
        "licences_text": "Each publication is under the licence named on its page and in its imprint.",
        "more_messages": "and {n} more",
    },
}


def label(lang: str, key: str, **values: object) -> str:
    text = SITE[i18n.lang_key(lang)].get(key) or SITE["de"][key]
    return text.format(**values) if values else text


def size_text(size: int, lang: str) -> str:
    """412 kB, 1,2 MB (decimal units; German decimal comma)."""
    text = f"{max(1, round(size / 1000))} kB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"
    return text.replace(".", ",") if i18n.lang_key(lang) == "de" else text


# The accessibility statement (BITV 2.0 § 7, the EU model statement's parts): state of
# conformance, what is not accessible and why, how it was assessed, feedback, enforcement.
STATEMENT: dict[str, dict[str, str]] = {
    "de": {
        "intro": "{publisher} ist bemüht, diese Website und die hier veröffentlichten Dokumente "
                 "im Einklang mit dem Behindertengleichstellungsgesetz (BGG) und der "
                 "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich "
                 "zu machen. Diese Erklärung gilt für die Website {site}.",
        "state_h": "Stand der Vereinbarkeit mit den Anforderungen",
        "state": "Diese Website ist mit den Anforderungen der BITV 2.0 (WCAG 2.1, Konformitätsstufe "
                 "AA, und EN 301 549) teilweise vereinbar. Die Einschränkungen sind unten aufgeführt.",
        "limits_h": "Nicht barrierefreie Inhalte",
        "limit_docx": "Die Word-Dateien (DOCX) sind Arbeitsfassungen zum Kommentieren. Sie haben "
                      "Überschriften, Alternativtexte und Tabellenköpfe; wie zugänglich sie sind, "
                      "hängt aber vom Programm ab, mit dem sie geöffnet werden. Für das Lesen sind "
                      "die Webseite (HTML) und das PDF gedacht.",
        "limit_charts": "Diagramme sind Bilder. Ihre Aussage steht in der Bildunterschrift, im "
                        "Alternativtext und im Text; die zugrunde liegenden Zahlen sind nicht immer "
                        "als Tabelle beigefügt.",
        "limit_drafts": "Als „Entwurf“ gekennzeichnete Fassungen sind Arbeitsstände und werden vor "
                        "der Veröffentlichung nicht gesondert geprüft.",
        "method_h": "Erstellung dieser Erklärung",
        "method": "Diese Erklärung wurde am {date} erstellt beziehungsweise zuletzt überprüft. Sie "
                  "beruht auf einer Selbstbewertung: Die Seitenvorlagen dieser Website werden "
                  "automatisch mit axe-core gegen WCAG 2.1 A und AA geprüft, auch bei 360 Pixel "
                  "Bildschirmbreite; die PDF-Dateien sind als PDF/UA-1 mit Tags, Lesereihenfolge "
                  "und Alternativtexten erzeugt. Eine Prüfung durch Menschen mit Behinderungen "
                  "oder eine externe Prüfstelle hat nicht stattgefunden.",
        "feedback_h": "Feedback und Kontakt",
        "feedback": "Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder brauchen Sie "
                    "eine Publikation in einer anderen Form? Schreiben Sie uns:",
        "no_contact": "Schreiben Sie an {publisher}, {address}.",
        "enforcement_h": "Schlichtungsverfahren",
        "enforcement": "Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, "
                       "können Sie sich an die Schlichtungsstelle nach § 16 BGG wenden. Sie hilft, "
                       "Konflikte um Barrierefreiheit zwischen Menschen mit Behinderungen und "
                       "öffentlichen Stellen des Bundes außergerichtlich zu lösen; das Verfahren "
                       "ist kostenlos.",
        "enforcement_link": "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz",
    },
    "en": {
        "intro": "{publisher} strives to make this website and the documents published on it "
                 "accessible in accordance with the German Disability Equality Act (BGG) and the "
                 "Barrier-Free Information Technology Ordinance (BITV 2.0). This statement applies "
                 "to the website {site}.",
        "state_h": "Compliance status",
        "state": "This website is partially compliant with BITV 2.0 (WCAG 2.1 level AA and "
                 "EN 301 549). The exceptions are listed below.",
        "limits_h": "Non-accessible content",
        "limit_docx": "The Word files (DOCX) are working copies for comments. They have headings, "
                      "alternative texts and table headers, but how accessible they are depends on "
                      "the program that opens them. The web page (HTML) and the PDF are meant for "
                      "reading.",
        "limit_charts": "Charts are images. Their message is in the caption, the alternative text "
                        "and the text; the numbers behind them are not always given as a table.",
        "limit_drafts": "Versions marked “Draft” are working states and are not checked separately "
                        "before publication.",
        "method_h": "Preparation of this statement",
        "method": "This statement was prepared or last reviewed on {date}. It is based on a "
                  "self-assessment: the page templates of this website are checked automatically "
                  "with axe-core against WCAG 2.1 A and AA, also at a screen width of 360 pixels; the "
                  "PDF files are produced as PDF/UA-1 with tags, reading order and alternative "
                  "texts. No test by people with disabilities or by an external body took place.",
        "feedback_h": "Feedback and contact",
        "feedback": "Have you found barriers, or do you need a publication in another form? "
                    "Write to us:",
        "no_contact": "Write to {publisher}, {address}.",
        "enforcement_h": "Enforcement procedure",
        "enforcement": "If you receive no satisfactory answer, you can turn to the conciliation "
                       "body under § 16 BGG. It helps to settle disputes about accessibility "
                       "between people with disabilities and federal public bodies out of court, "
                       "free of charge.",
        "enforcement_link": "Conciliation body under the Disability Equality Act",
    },
}


def statement(lang: str, key: str, **values: object) -> str:
    text = STATEMENT[i18n.lang_key(lang)][key]
    return text.format(**values) if values else text
