from tests.support.federation import federate, upstream  # noqa: F401
