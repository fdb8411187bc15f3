"""The app shell, built once per page load from dash.page_registry: header, navigation, language, demo label."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import html

from dashboard import ids, runtime
from dashboard.i18n import LANGUAGES, _, direction
from dashboard.store import access

THEME = {"primaryColor": "blue", "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"}


def demo_banner(status: access.DataStatus):
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


def navigation():
    pages = sorted(
        (p for p in dash.page_registry.values() if p.get("nav_order") is not None), key=lambda p: p["nav_order"]
    )
    return dmc.Group(
        [dmc.Anchor(_(p["name"]), href=p["relative_path"], underline="hover", fw=500, c="dark") for p in pages],
        gap="lg",
        id=ids.NAV,
        visibleFrom="sm",
    )


def layout():
    status = access.data_status(runtime.engine())
    header = dmc.Group(
        [
            dmc.Group(
                [
                    html.Img(src=dash.get_asset_url("logo.svg"), height=28, alt=""),
                    dmc.Title(_("Mobile Medical Clinics · Iraq"), order=3),
                    dmc.Badge(_("Demo data (synthetic)"), color="yellow", variant="filled") if status.is_demo else None,
                ],
                gap="sm",
            ),
            navigation(),
            dmc.Select(
                id=ids.LANGUAGE,
                data=[{"value": k, "label": v[0]} for k, v in LANGUAGES.items()],
                value="en",
                w=120,
                size="xs",
                allowDeselect=False,
                **{"aria-label": _("Language")},
            ),
        ],
        justify="space-between",
        h="100%",
        px="md",
    )
    return dmc.DirectionProvider(
        direction=direction(),
        children=dmc.MantineProvider(
            theme=THEME,
            children=dmc.AppShell(
                [
                    dmc.AppShellHeader(header),
                    dmc.AppShellMain(dmc.Container([demo_banner(status), dash.page_container], size="xl")),
                ],
                header={"height": 60},
                padding="md",
            ),
        ),
    )
