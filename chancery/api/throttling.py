from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anonymous"


class ClientRateThrottle(UserRateThrottle):
    """Per user, so all of one user's tokens and sessions share one budget."""

    scope = "client"
