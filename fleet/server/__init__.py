"""The central side: MQTT in (`ingest`), the SQLite store (`store`) and its read-only
questions (`queries`), content out (`publish`), the dashboard's HTTP server (`web`, serving
`fleet.dashboard`), put together by `app`. The store knows nothing of MQTT or HTTP."""
