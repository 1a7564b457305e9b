"""Write resources/countries/names.json: every country's name in the languages crmdesk reads
a client's country in (crmdesk.services.addresses), folded, from CLDR by way of Babel.

    python scripts/country_names.py

Run it after upgrading Babel; tests/unit/services/test_addresses.py says when it is due.
"""

from __future__ import annotations

import json

from crmdesk import paths
from crmdesk.services.addresses import names_from_cldr


def main() -> None:
    path = paths.resources_dir() / "countries" / "names.json"
    names = dict(sorted(names_from_cldr().items()))
    path.write_text(json.dumps(names, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{path}: {len(names)} names")


if __name__ == "__main__":
    main()
