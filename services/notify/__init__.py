"""notify: tells the responsible units and people, exactly once per recipient and channel."""
