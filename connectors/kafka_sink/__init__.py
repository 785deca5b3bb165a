"""The ``kafka`` sink: publish the routed event, or an event derived from it, to a topic."""
