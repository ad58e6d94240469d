"""The central side: MQTT in (`ingest`), SQLite store (`store`), HTTP out (`api`), put
together by `app`. The store knows nothing of MQTT or HTTP, so a web dashboard can read it
(or replace the HTTP layer) without touching the rest."""
