"""The rules of supplier profiles, one module per topic: companies, members, case studies,
publishing (verification, publication and moderation) and the enquiries inbox.

Every function checks the rule, changes state, flushes, queues side effects and returns; none
commits (the view does, once). Anything a search document shows goes through
`common.mark_changed`, which writes the search outbox row in the same transaction.
"""
