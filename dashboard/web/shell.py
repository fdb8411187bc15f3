"""The app shell, built once per page load from dash.page_registry: header, navigation, language, demo label.

Plain HTML (components/ui.py): a page the public sees is sent without Mantine's script. A page drawn with Mantine's
pickers and tables wraps its own layout in `mantine` (its register_page says `mantine=True`; server/compression)."""

from __future__ import annotations

import functools

import dash
import dash_mantine_components as dmc
from dash import dcc, html

from dashboard import words
from dashboard.data import queries
from dashboard.i18n import _, direction, language, own_names
from dashboard.server import auth, runtime
from dashboard.server.compression import DAYJS_LOCALES
from dashboard.web import document, ids
from dashboard.web.components import ui

# Blue at shade 8 (5:1 on white) for links and buttons; text on a filled colour black or white, whichever reads
# (WCAG 2.1 AA, 4.5:1; assets/style.css darkens dimmed text and the light variants' text the same way, and draws the
# plain pieces of components/ui.py in the same colours and font).
THEME = {
    "primaryColor": "blue",
    "primaryShade": {"light": 8, "dark": 8},
    "autoContrast": True,
    "fontFamily": "'Noto Sans Arabic', system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
}


def demo_banner(status: queries.DataStatus):
    if not status.is_demo:
        return html.Div(id=ids.DEMO_BANNER, hidden=True)
    return ui.alert(
        _(
            "These figures are synthetic, generated for demonstration. They are not real programme data; camp "
            "positions are approximate."
        ),
        id=ids.DEMO_BANNER,
        title=_("Demo data (synthetic)"),
        color="orange",
        mb="md",
        className="mmc-demo-banner",  # (what the style sheet hides: the page as first sent has no ids)
    )


def links() -> list[tuple[str, str]]:
    """The pages the header lists (dash.page_registry's nav_order), named in the viewer's language, and the data page
    for a coordinator; the sign-in page (web/signin.py) lists the same."""
    pages = sorted(
        (p for p in dash.page_registry.values() if p.get("nav_order") is not None), key=lambda p: p["nav_order"]
    )
    links = [(_(p["name"]), p["relative_path"]) for p in pages]
    if auth.role_at_least("coordinator"):
        links.append((_("Load data"), "/coordinator/data"))
    return links


def _page_links() -> list:
    return [ui.anchor(name, href=path, className="mmc-nav-link") for name, path in links()]


def navigation():
    """The pages, in the header from the sm breakpoint up (phones have the menu: phone_menu)."""
    return html.Nav(ui.group(_page_links(), gap="sm"), id=ids.NAV, className="mmc-nav", **ui.aria(label=_("Pages")))


def phone_menu():
    """On a phone: a menu button that opens the pages, the sign-in (or sign-out) and the languages (a disclosure:
    no script, a button to the keyboard and a screen reader)."""
    signed_out = auth.current_user() is None
    sign = (
        ui.anchor(_("Sign in"), href="/login", className="mmc-nav-link")
        if signed_out
        else html.Form(_sign_out(), method="POST", action="/auth/logout")
    )
    return html.Details(
        [
            html.Summary(html.Span(className="mmc-burger"), id=ids.MENU_BUTTON, **ui.aria(label=_("Menu"))),
            html.Nav(
                ui.stack([*_page_links(), sign, language_switch(ids.LANGUAGE_PHONE)]),
                id=ids.MENU,
                className="mmc-menu-panel",
                **ui.aria(label=_("Pages")),
            ),
        ],
        className="mmc-phone-only mmc-menu",
    )


def _sign_out(**button):
    """The sign-out button: a form post with the CSRF token (`button`: the header's id)."""
    return [
        dcc.Input(type="hidden", name="csrf_token", value=auth.csrf_token()),
        html.Button(_("Sign out"), type="submit", className="mmc-button mmc-button-light", **button),
    ]


def language_switch(switch_id: str):
    """The other languages, each named in its own words: a link opens the same page, with its filters, in it
    (assets/navigate.js keeps the address's filters; the server keeps `lang=` in a cookie)."""
    return html.Ul(
        [
            html.Li(html.A(name, href=f"?lang={code}", lang=code, hrefLang=code, className="mmc-language"))
            for code, name in own_names()
            if code != language()
        ],
        id=switch_id,
        className="mmc-languages",
        **ui.aria(label=_("Language")),
    )


def user_area():
    """Sign in, or who is signed in and a sign-out button."""
    account = auth.current_user()
    if account is None:
        return ui.anchor(_("Sign in"), href="/login", id=ids.USER_MENU, className="mmc-nav-link")
    who = ui.text(_("{name} ({role})", name=account.username, role=words.role_name(account.role)), size="sm")
    return html.Form(
        ui.group([who, *_sign_out(id=ids.SIGN_OUT)], gap="xs"),
        method="POST",
        action="/auth/logout",
        id=ids.USER_MENU,
    )


def layout():
    status = queries.data_status(runtime.engine())
    header = ui.group(
        [
            ui.group(
                [
                    html.Img(src=dash.get_asset_url("logo.svg"), height=28, alt=""),
                    ui.anchor(_("Mobile Medical Clinics · Iraq"), href="/", className="mmc-app-title"),
                    html.Span(
                        ui.badge(_("Demo data (synthetic)")) if status.is_demo else None,
                        id=ids.DEMO_BADGE,
                        className="mmc-demo-badge",
                    ),
                ],
                gap="sm",
                wrap=False,
            ),
            navigation(),
            ui.group([user_area(), language_switch(ids.LANGUAGE)], gap="md", className="mmc-wide-only"),
            phone_menu(),
        ],
        justify="space-between",
    )
    return html.Div(
        [
            html.Header(header, className="mmc-header"),
            html.Main(
                html.Div(
                    [
                        demo_banner(status),
                        # A spinner over the page while a view is computed (only when it takes a while), at the
                        # window's centre: one centred in the page moved as the page arrived (a layout shift).
                        dcc.Loading(
                            dash.page_container,
                            delay_show=400,
                            custom_spinner=html.Div(className="mmc-spinner", role="status", title=_("Loading")),
                            overlay_style={"visibility": "visible", "opacity": 0.5},
                            target_components={"_pages_content": "children"},
                        ),
                    ],
                    className="mmc-container",
                ),
                id=document.MAIN_ID,
                className="mmc-main",
            ),
        ],
        className="mmc-shell",
    )


def mantine(children):
    """A page drawn with Mantine's components: in its providers (the theme, the reading direction, the date pickers'
    month and day names in the viewer's language and weeks starting on WEEK_START's day: dayjs counts from Sunday,
    pandas from Monday)."""
    first_day = (runtime.settings().first_day + 1) % 7
    return dmc.DirectionProvider(
        direction=direction(),
        children=dmc.MantineProvider(
            theme=THEME,
            children=dmc.DatesProvider(
                children,
                settings={"locale": DAYJS_LOCALES.get(language(), ("en",))[0], "firstDayOfWeek": first_day},
            ),
        ),
    )


def with_mantine(layout):
    """A page's layout function whose page is drawn with Mantine's components: its result in `mantine`'s providers."""

    @functools.wraps(layout)
    def drawn(**query):
        return mantine(layout(**query))

    return drawn
