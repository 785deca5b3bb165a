"""The route configuration models (defined with the rest of ``hub.yaml`` in hub.config)."""

from hub.config.routes import PersonalData, RouteInput, RouteRetry, RouteSpec, SinkSpec

__all__ = ["PersonalData", "RouteInput", "RouteRetry", "RouteSpec", "SinkSpec"]
