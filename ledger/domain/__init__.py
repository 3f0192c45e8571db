"""The domain half (DOMAIN.md): event kinds, the registry, the append rules, the
projection state and tables, and the replay that rebuilds and checks them.

| module | the one place for |
|---|---|
| ``events`` | every event kind, declared once (fields, types, labels, checks) |
| ``registry`` | holders, successions, names and sizes as of a date |
| ``rules`` | the append rules, one named function each |
| ``state`` | ``DomainState``: what append reads and the rows it writes; the replay |
| ``tables`` | the projection tables and their read side |
| ``replay`` | ``ledger rebuild``, the comparison verify runs, the migration |
"""
