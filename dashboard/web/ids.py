"""Component ids, in one place so that layouts, callbacks and tests agree."""

DEMO_BANNER = "demo-banner"
SETUP_NOTICE = "setup-notice"
DEMO_BADGE = "demo-badge"
NAV = "nav"
MENU = "menu"
MENU_BUTTON = "menu-button"
LANGUAGE = "language"
LANGUAGE_PHONE = "language-phone"

OVERVIEW_FIGURES = "overview-figures"
OVERVIEW_MAP = "overview-map"
OVERVIEW_CHART = "overview-chart"
MAP_FIND = "map-find"
MAP_FIND_LIST = "map-find-list"  # (its suggestions: a datalist)
MAP_FIND_CHOSEN = "map-find-chosen"  # (the code of the suggestion its text names)
MAP_FIGURE_CHOICE = "map-figure-choice"  # (one button per figure)
PAGE_NAVIGATE = "page-navigate"  # a page's own address bar (controls.navigator)
OVERVIEW_CHART_TABLE = "overview-chart-table"
OVERVIEW_TABLE_OPEN = "overview-table-open"  # (the overview chart's table fold's summary: opening it makes the table)
OVERVIEW_TABLE_BODY = "overview-table-body"  # (where that table goes once made)
GOV_LAYER = "governorate-layer"
GOV_FIGURES = "governorate-layer-figures"  # each governorate's figures, joined to the kept outlines in the browser
CAMP_LAYER = "camp-layer"


def typed(select_id: str) -> str:
    """The store beside a searchable choice that passes what is typed in it to the server
    (controls.searched_on_server)."""
    return f"{select_id}-typed"


def camp_columns(camp_layer: str) -> str:
    """The store beside a camp layer that holds its columns (the browser makes the layer from them)."""
    return f"{camp_layer}-columns"


UNIT_LAYER = "unit-layer"
LABEL_LAYER = "label-layer"
PERIOD_TEXT = "period-text"

LOGIN_USERNAME = "login-username"
LOGIN_PASSWORD = "login-password"
LOGIN_SUBMIT = "login-submit"
LOGIN_ERROR = "login-error"
SIGN_OUT = "sign-out"
USER_MENU = "user-menu"
SIGN_IN_REQUIRED = "sign-in-required"

CLINIC_GRID = "clinic-grid"
SOURCES = "sources"
BEYOND_DATA = "beyond-data"

BRIEFING_SCREEN = "briefing-screen"
BRIEFING_NEXT = "briefing-next"
BRIEFING_PREV = "briefing-prev"
BRIEFING_PRINT = "briefing-print"
BRIEFING_GAPS = "briefing-gaps"

FILTER_PERIOD = "filter-period"
FILTER_GOVERNORATES = "filter-governorates"

GAP_GRID = "gap-grid"
GAP_REACH_COLUMNS = "gap-reach-columns"  # the reach lines as columns
GAP_FIND = "gap-find"  # a camp clicked on the map: its row's place in the gap grid
GAP_SUMMARY = "gap-summary"
GAP_MAP = "gap-map"
GAP_CAMPS = "gap-camps"
GAP_UNITS = "gap-units"
GAP_STOPS = "gap-stops"
EXPORT_CSV = "export-csv"
EXPORT_XLSX = "export-xlsx"
EXPORT_DOWNLOAD = "export-download"
NEXT_SLOTS = "next-slots"
NEXT_RADIUS = "next-radius"
NEXT_RUN = "next-run"
NEXT_RESULT = "next-result"

TRENDS_PRESET = "trends-preset"
TRENDS_SYNDROME = "trends-syndrome"
TRENDS_FREQ = "trends-freq"
TRENDS_CLINIC = "trends-clinic"
TRENDS_CAMP = "trends-camp"
ALERT_GRID = "alert-grid"
ALERT_MAP = "alert-map"
ALERT_OUTLINES = "alert-outlines"  # the governorates under the alerts
ALERT_SHAPES = "alert-shapes"  # their kept outlines' address and names (made into the layer in the browser)
ALERT_DOWNLOAD = "alert-download"
CSV_BUTTON = "csv-button"  # pattern-matching: {"type": CSV_BUTTON, "chart": name}
CSV_DOWNLOAD = "csv-download"  # its download, beside it: {"type": CSV_DOWNLOAD, "chart": name}
CHART = "chart"  # pattern-matching: {"type": CHART, "chart": name}
CHART_TABLE_OPEN = "chart-table-open"  # pattern-matching: a chart's table fold's summary (opening it makes the table)
CHART_TABLE = "chart-table"  # pattern-matching: where a chart's table goes once made
CHART_IMAGE = "chart-image"  # pattern-matching: {"type": CHART_IMAGE, "chart": name}, a chart drawn on the server
FREE_SCALES = "free-scales"

MAP_FIGURE = "map-figure"
MAP_LEGEND = "map-legend"
MAP_LEGENDS = "map-legends"
MAP_URL = "map-url"
MAP_RESET = "map-reset"
CAMP_PANEL = "camp-panel"
CAMP_PANEL_TITLE = "camp-panel-title"
CAMP_PANEL_BODY = "camp-panel-body"
CAMP_PANEL_CLOSE = "camp-panel-close"
GAP_REACH = "gap-reach"
GAP_RINGS = "gap-rings"
RING_RADIUS = "ring-radius"

DATA_KIND = "data-kind"
DATA_HELP = "data-help"
DATA_UPLOAD = "data-upload"
DATA_FILE = "data-file"
DATA_SENT = "data-sent"  # what the upload route answered (set by assets/upload.js)
DATA_JOB = "data-job"
DATA_POLL = "data-poll"
DATA_RESULT = "data-result"
DATA_LOAD = "data-load"
DATA_HISTORY = "data-history"
DATA_HOLDINGS = "data-holdings"
DATA_OUTLINES = "data-outlines"
DATA_DRAWN = "data-drawn"

FILTER_DRAWN = "filter-drawn"
TRENDS_DRAWN = "trends-drawn"
PART = "part"  # pattern-matching: {"type": PART, "part": name}, a placeholder filled by its own request (parts.py)
FORMATS_DOC = "formats-doc"

# the visit plan against what happened (components/plan.py)
PLAN_HEADLINE = "plan-headline"
PLAN_SILENT = "plan-silent"
PLAN_RUNNING = "plan-running"
PLAN_HEAT = "plan-heat"
PLAN_MISSES = "plan-misses"
PLAN_GOVERNORATES = "plan-governorates"
PLAN_MONTHS = "plan-months"

# Searchable choices whose options may be too many to send with the page: what is typed is matched on the server.
# Each with the property its component reports the typed text in (the map's finder is a text box with suggestions,
# the trends' pickers Mantine's Select).
SEARCHED_ON_SERVER = {MAP_FIND: "value", TRENDS_CLINIC: "searchValue", TRENDS_CAMP: "searchValue"}
