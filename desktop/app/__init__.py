"""The Liaison desktop window (PySide6): tree, search and viewer panes over the library.

Modules, one feature each:

* :mod:`desktop.app.main`: QApplication setup, opening the store, ``run_gui``.
* :mod:`desktop.app.window`: the main window's layout and wiring (widgets stay thin).
* :mod:`desktop.app.models`: the tree model (documents, entities) and the results model.
* :mod:`desktop.app.search`: the search controller (debounce, generations, filters).
* :mod:`desktop.app.reader`: what the viewer shows (document, passage, history).
* :mod:`desktop.app.viewer`: document → HTML (a pure function) and the safe text browser.
* :mod:`desktop.app.widgets`: small widgets (filter chips, find bar, tree pane).
* :mod:`desktop.app.theme`, :mod:`desktop.app.settings`, :mod:`desktop.app.shortcuts`.
"""
