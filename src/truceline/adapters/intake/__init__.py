"""Open-source intake: fetch, extract, split, find, resolve and type what texts state.

Each stage is a module that can be used and tested alone (docs/intake.md):
`fetch` (URLs through an injected httpx transport, files, feeds, folders),
`extract` (title, text, dates, site; boilerplate dropped), `sentences`,
`dates` (the finder of date expressions), `places` (the gazetteer),
`classify` (past incidents and their ACLED types), `details` (actors,
casualties, claims) and `pipeline`, which runs them in order.
"""
