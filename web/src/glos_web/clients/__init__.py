"""The four services as the site calls them: one module per service (`proposals_api`, `voting_api`,
`identity_api`, `consultation_api`), one function per request, named for what it does. The pages call these
functions and never write a service's path themselves; `glos_web.api.Api` does the HTTP (the person's token,
the language, problem+json → `ApiError`, a service away → `ServiceUnavailable`, the public cache).

Each path is written in its client module and nowhere else in the site; every id or typed value in it is one
percent-encoded segment (`_service.segment`). Every function takes the options of `Api.call` (`token`: the
signed-in person's own, `json`, `params`, `headers`, `raw`, `timeout`), and a GET also `cache_s` — how long a
public answer may be reused (`api.PublicCache`)."""
