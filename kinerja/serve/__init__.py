"""``kinerja app``: the Voila launcher and the forms built from the section registry, with their
render cache and pre-render.
"""
