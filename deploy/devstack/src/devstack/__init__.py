"""The local stack: Kafka from Maven Central jars, a private PostgreSQL cluster, every service.

Modules import their heavy dependencies lazily where they can, so that ``devstack.pytest_plugin``
stays cheap to load in every pytest process.
"""
