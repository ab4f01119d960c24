"""The window's panes: tree, search and reader, each a widget that owns its widgets.

Each pane reports what the officer did through signals; :mod:`desktop.app.window`
composes the panes and wires their signals to one another.
"""
