"""The four services as the site calls them: one module per service (`proposals_api`, `voting_api`,
`identity_api`, `consultation_api`), one function per request, named for what it does. The pages call these
functions and never write a service's path themselves; `glos_web.api.Api` does the HTTP (the person's token,
the language, problem+json → `ApiError`, a service away → `ServiceUnavailable`, the public cache)."""
