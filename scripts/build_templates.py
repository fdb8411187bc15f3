"""Write the import templates in data/templates (CSV and XLSX, with example rows): python scripts/build_templates.py"""

from pathlib import Path

from dashboard.ingest import formats, weekly
from dashboard.services import exports

OUT = Path(__file__).resolve().parent.parent / "data" / "templates"

if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for kind in formats.KINDS:
        rows, columns = formats.template_rows(kind), formats.template_columns(kind)
        (OUT / f"{kind}.csv").write_text(exports.to_csv(rows, columns), encoding="utf-8")
        (OUT / f"{kind}.xlsx").write_bytes(exports.to_xlsx(rows, columns, kind))
        print(f"wrote {kind}.csv and {kind}.xlsx")
    rows, columns = weekly.template_rows(), weekly.template_columns()
    (OUT / "weekly.csv").write_text(exports.to_csv(rows, columns), encoding="utf-8")
    (OUT / "weekly.xlsx").write_bytes(exports.to_xlsx(rows, columns, "weekly"))
    print("wrote weekly.csv and weekly.xlsx")
