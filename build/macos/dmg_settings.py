"""dmgbuild settings for the Liaison disk image (``build/macos/make_dmg.sh`` uses them).

dmgbuild executes this file with a ``defines`` dict from its ``-D`` options::

    dmgbuild -s build/macos/dmg_settings.py -D app=dist/Liaison.app "Liaison 1.2.3" out.dmg

The image opens on a window with the app and a link to ``/Applications``: officers drag
one onto the other. It is compressed with zlib (UDZO), which every supported macOS opens.
"""

# ruff: noqa: F821 - dmgbuild provides `defines` when it executes this file

import os.path

application = defines.get("app", "dist/Liaison.app")
appname = os.path.basename(application)

# Volume
format = defines.get("format", "UDZO")
compression_level = 9
size = None  # computed from the contents
filesystem = "HFS+"

# Contents
files = [application]
symlinks = {"Applications": "/Applications"}
icon = defines.get("icon", "resources/icons/liaison.icns")  # the volume's icon
hide_extensions = [appname]

# Window
show_status_bar = False
show_tab_view = False
show_toolbar = False
show_pathbar = False
show_sidebar = False
window_rect = ((200, 200), (560, 340))
default_view = "icon-view"
icon_size = 112
text_size = 13
icon_locations = {appname: (140, 150), "Applications": (420, 150)}
arrange_by = None
