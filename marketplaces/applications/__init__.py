"""The tracked application workflow of Selling Online Overseas.

Exporters apply to a marketplace through a four-step wizard (`views`); staff review the queue
(`staff_views`); the marketplace's partner records the outcome (`partner_views`). The rules
are in `services` (the wizard, queues, notes, partner accounts), `workflow` (the state machine,
which builds on `services`), `permissions` (who may see and move what) and `deadlines` (the
response deadline). `marketplaces.init_app` registers the blueprints, sections and CLI.
"""
