"""마음약방 현황판: the programme's web dashboard, served by the central server
(docs/dashboard.md). Flask with Jinja2 templates; no script in any page."""
