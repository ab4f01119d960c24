"""The window's panes: each a widget that owns its widgets and emits signals upward."""
