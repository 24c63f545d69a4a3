"""Footprint's computational core: pure, typed functions of plain data.

Nothing here imports Django or an app, touches a database or reads a file: an analyst can
call every function from a notebook.
"""
