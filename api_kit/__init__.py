"""The kit every simulated organisation's JSON API and every client of one is built from.

Organisation-neutral: only Django, requests and the shared settings reader (`admin_kit.conf`),
never an organisation's app. Each organisation keeps its own URLs and its own error format and
hands them to the kit: `server` for the side that answers, `keys` for the callers' keys,
`openapi` for how a document describes the refusals, `client` for the side that calls.
"""
