"""The app shell, built once per page load from dash.page_registry: header, navigation, language, demo label."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import dcc, html

from dashboard import words
from dashboard.data import queries
from dashboard.i18n import _, direction, end, language, own_names
from dashboard.server import auth, runtime
from dashboard.server.compression import DAYJS_LOCALES
from dashboard.web import document, ids

# Blue at shade 8 (5:1 on white) for links and buttons; text on a filled colour black or white, whichever reads
# (WCAG 2.1 AA, 4.5:1; assets/style.css darkens dimmed text and the light variants' text the same way).
THEME = {
    "primaryColor": "blue",
    "primaryShade": {"light": 8, "dark": 8},
    "autoContrast": True,
    "fontFamily": "'Noto Sans Arabic', system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
}


def demo_banner(status: queries.DataStatus):
    if not status.is_demo:
        return html.Div(id=ids.DEMO_BANNER, hidden=True)
    return dmc.Alert(
        _(
            "These figures are synthetic, generated for demonstration. They are not real programme data; camp "
            "positions are approximate."
        ),
        id=ids.DEMO_BANNER,
        title=_("Demo data (synthetic)"),
        color="orange",
        variant="light",
        mb="md",
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


def navigation():
    """The pages, in the header from the sm breakpoint up (phones have the menu: phone_menu)."""
    return html.Nav(
        dmc.Group(
            [dmc.Anchor(name, href=path, underline="hover", fw=500, c="dark") for name, path in links()],
            gap="sm",
        ),
        id=ids.NAV,
        className="mmc-nav",
        **{"aria-label": _("Pages")},
    )


def phone_menu():
    """On a phone: a menu button that opens the pages and the sign-in (or sign-out) in a drawer."""
    signed_out = auth.current_user() is None
    sign = (
        dmc.Anchor(_("Sign in"), href="/login", fw=500, refresh=True)
        if signed_out
        else html.Form(_sign_out(), method="POST", action="/auth/logout")
    )
    return html.Div(
        [
            dmc.Burger(id=ids.MENU_BUTTON, opened=False, size="sm", **{"aria-label": _("Menu")}),
            dmc.Drawer(
                html.Nav(
                    dmc.Stack(
                        [dmc.Anchor(name, href=path, fw=500, size="lg", c="dark") for name, path in links()]
                        + [sign, language_switch(ids.LANGUAGE_PHONE)],
                        gap="md",
                    ),
                    **{"aria-label": _("Pages")},
                ),
                id=ids.MENU,
                opened=False,
                position=end(),
                size="75%",
                title=_("Mobile Medical Clinics · Iraq"),
            ),
        ],
        className="mmc-phone-only",
    )


def _sign_out(**button):
    """The sign-out button: a form post with the CSRF token (`button`: the header's id)."""
    return [
        dcc.Input(type="hidden", name="csrf_token", value=auth.csrf_token()),
        html.Button(_("Sign out"), type="submit", className="mmc-button mmc-button-light", **button),
    ]


def language_switch(switch_id: str):
    """The languages, each named in its own words; choosing one opens the same page, with its filters, in it
    (callbacks.register: the link gets `lang=`, which the server also keeps in a cookie)."""
    return dmc.Select(
        id=switch_id,
        data=[{"value": code, "label": name} for code, name in own_names()],
        value=language(),
        w=120,
        size="xs",
        allowDeselect=False,
        **{"aria-label": _("Language")},
    )


def user_area():
    """Sign in, or who is signed in and a sign-out button."""
    account = auth.current_user()
    if account is None:
        return dmc.Anchor(_("Sign in"), href="/login", fw=500, id=ids.USER_MENU, refresh=True)
    who = dmc.Text(_("{name} ({role})", name=account.username, role=words.role_name(account.role)), size="sm")
    return html.Form(
        dmc.Group([who, *_sign_out(id=ids.SIGN_OUT)], gap="xs"),
        method="POST",
        action="/auth/logout",
        id=ids.USER_MENU,
    )


def layout():
    status = queries.data_status(runtime.engine())
    header = dmc.Group(
        [
            dmc.Group(
                [
                    html.Img(src=dash.get_asset_url("logo.svg"), height=28, alt=""),
                    dmc.Anchor(
                        _("Mobile Medical Clinics · Iraq"),
                        href="/",
                        fw=700,
                        size="lg",
                        c="dark",
                        underline="never",
                        className="mmc-app-title",
                    ),
                    html.Span(
                        dmc.Badge(_("Demo data (synthetic)"), color="yellow", variant="filled")
                        if status.is_demo
                        else None,
                        id=ids.DEMO_BADGE,
                        className="mmc-demo-badge",
                    ),
                ],
                gap="sm",
                wrap="nowrap",
            ),
            navigation(),
            dmc.Group(
                [
                    user_area(),
                    language_switch(ids.LANGUAGE),
                ],
                gap="md",
                className="mmc-wide-only",
            ),
            phone_menu(),
        ],
        justify="space-between",
        h="100%",
        px="md",
    )
    return dmc.DirectionProvider(
        direction=direction(),
        children=dmc.MantineProvider(
            theme=THEME,
            children=dates(
                dmc.AppShell(
                    [
                        dmc.AppShellHeader(header),
                        dmc.AppShellMain(
                            dmc.Container(
                                [
                                    demo_banner(status),
                                    # A spinner over the page while a view is computed (only when it takes a while).
                                    dcc.Loading(
                                        dash.page_container,
                                        delay_show=400,
                                        type="circle",
                                        overlay_style={"visibility": "visible", "opacity": 0.5},
                                        target_components={"_pages_content": "children"},
                                    ),
                                ],
                                size="xl",
                            ),
                            id=document.MAIN_ID,
                        ),
                    ],
                    header={"height": 60},
                    padding="md",
                )
            ),
        ),
    )


def dates(children):
    """The date pickers' settings: month and day names in the viewer's language, and weeks starting on WEEK_START's
    day (dayjs counts from Sunday, pandas from Monday)."""
    first_day = (runtime.settings().first_day + 1) % 7
    return dmc.DatesProvider(
        children, settings={"locale": DAYJS_LOCALES.get(language(), ("en",))[0], "firstDayOfWeek": first_day}
    )
