"""The corporate design from templates/brand.yaml, as one small dataclass."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from papier import colour as wcag
from papier import yamlio
from papier.errors import PaperInvalid, Problem
from papier.workspace import Workspace

DEFAULT_COLOURS = {
    "primary": "#0E5A6B", "accent": "#E07A2E", "text": "#1E272C",
    "muted": "#5B6B73", "light": "#E8F1F3",
}


@dataclass(frozen=True)
class Brand:
    organisation: str
    publisher: str
    colours: dict[str, str]
    body_font: str
    heading_font: str
    font_size: float
    docx_font: str
    logo: Path | None
    logo_alt: str
    imprint: str = ""
    publisher_address: str = ""
    website: str = ""
    place: str = ""
    team: str = ""  # who answers reviewers (papier round reply); else the organisation
    partners: list[str] = field(default_factory=list)
    font_dirs: list[Path] = field(default_factory=list)
    site: dict[str, str] = field(default_factory=dict)  # papier site: title, url, contact, …

    def colour(self, name: str) -> str:
        return self.colours.get(name, DEFAULT_COLOURS[name])

    def hex(self, name: str) -> str:
        """Colour without '#', as OOXML wants it."""
        return self.colour(name).lstrip("#").upper()

    def on(self, name: str, background: str = "#FFFFFF", minimum: float = wcag.TEXT) -> str:
        """Brand colour *name* for text (or, with minimum=wcag.MARKS, meaningful marks) on
        *background* (a brand colour name or '#RRGGBB'): the colour itself when it reaches
        *minimum* there, else its accessible variant (same hue, darker or lighter)."""
        back = self.colour(background) if not background.startswith("#") else background
        return wcag.accessible(self.colour(name), back, minimum)

    def contrast_problems(self) -> list[str]:
        """Pairs of brand colours that no variant can make readable (for papier check)."""
        problems = []
        white = "#FFFFFF"
        if wcag.ratio(white, self.colour("primary")) < wcag.TEXT:
            problems.append(
                f"white text on colours.primary {self.colour('primary')} is "
                f"{wcag.ratio(white, self.colour('primary')):.2f}:1, below 4.5:1; "
                "choose a darker primary colour (the cover and table heads put text on it)")
        if not wcag.reachable(self.colour("light")):
            problems.append(f"colours.light {self.colour('light')} leaves no text colour 4.5:1; "
                            "choose a lighter colour")
        if wcag.ratio(self.colour("text"), white) < wcag.TEXT:
            problems.append(
                f"colours.text {self.colour('text')} is {wcag.ratio(self.colour('text'), white):.2f}:1 "
                "on white, below 4.5:1; choose a darker text colour")
        return problems


def _font_dirs(ws: Workspace, packages: list[str]) -> list[Path]:
    dirs = [ws.templates_dir / "fonts"] if (ws.templates_dir / "fonts").is_dir() else []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise PaperInvalid([Problem(
                "templates/brand.yaml", 0,
                f"font package '{name}' is not installed; run: pip install {name.replace('_', '-')}")])
        base = Path(next(iter(spec.submodule_search_locations)))
        dirs.append(base / "files" if (base / "files").is_dir() else base)
    return dirs


def load_brand(ws: Workspace) -> Brand:
    path = ws.templates_dir / "brand.yaml"
    shown = "templates/brand.yaml"
    if not path.is_file():
        raise PaperInvalid([Problem(shown, 0, "missing; copy it from papier's templates/")])
    data, problems = yamlio.load_cached(path, shown)  # the language checks read it too
    if problems:
        raise PaperInvalid(problems)
    fonts = data.get("fonts", {}) or {}
    colours = dict(DEFAULT_COLOURS)
    colours.update({str(k): str(v) for k, v in (data.get("colours", {}) or {}).items()})
    logo = ws.templates_dir / str(data["logo"]) if data.get("logo") else None
    if logo is not None and not logo.is_file():
        raise PaperInvalid([Problem(shown, yamlio.line_of(data, ["logo"]),
                                    f"logo '{data['logo']}' not found in templates/")])
    return Brand(
        organisation=str(data.get("organisation", "")),
        publisher=str(data.get("publisher", data.get("organisation", ""))),
        colours=colours,
        body_font=str(fonts.get("body", "Source Sans Pro")),
        heading_font=str(fonts.get("heading", fonts.get("body", "Source Sans Pro"))),
        font_size=float(fonts.get("size", 11)),
        docx_font=str(fonts.get("docx", fonts.get("body", "Arial"))),
        logo=logo,
        logo_alt=str(data.get("logo_alt", data.get("organisation", "Logo"))),
        imprint=str(data.get("imprint", "")),
        publisher_address=str(data.get("publisher_address", "")),
        website=str(data.get("website", "")),
        place=str(data.get("place", "")),
        team=str(data.get("team", "")),
        partners=[str(p) for p in data.get("partners", []) or []],
        font_dirs=_font_dirs(ws, [str(p) for p in fonts.get("packages", []) or []]),
        site=_site(data, shown),
    )


SITE_KEYS = ("title", "lang", "url", "contact", "responsible", "accessibility_reviewed")


def _site(data: dict, shown: str) -> dict[str, str]:
    """The site: block (papier site); unknown keys are refused with the known ones named."""
    site = data.get("site") or {}
    if not isinstance(site, dict):
        raise PaperInvalid([Problem(shown, yamlio.line_of(data, ["site"]),
                                    "site: must be a mapping like 'contact: redaktion@example.org'")])
    unknown = [str(k) for k in site if k not in SITE_KEYS]
    if unknown:
        raise PaperInvalid([Problem(shown, yamlio.line_of(data, ["site", unknown[0]]),
                                    f"site.{unknown[0]} is unknown; use {', '.join(SITE_KEYS)}")])
    return {str(k): str(v) for k, v in site.items() if v not in (None, "")}
