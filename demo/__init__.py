"""The crossorigin demo: the seed article's API and a page that shows why each request
is allowed or blocked.

Run it with ``./scripts/demo.sh`` (or ``python -m demo``): the API listens on
http://localhost:5000 (:mod:`demo.api`), the page on http://localhost:3000
(:mod:`demo.frontend`).
"""
