"""Composition of one Cup dataset image: background, object, shadow, light and noise."""

import numpy as np

from course_lib.dataset.drawing import (
    CANVAS_SIZE,
    Placement,
    add_contact_shadow,
    composite,
    draw_background,
    finish_image,
    random_light,
    shade_layer,
)
from course_lib.dataset.objects import CUP_DRAWERS, OTHER_DRAWERS


def random_placement(rng, horizon):
    """Draw the object's position and size: on the table below ``horizon``, near the middle."""
    size = rng.uniform(0.4, 0.62) * CANVAS_SIZE
    lowest_base = max(horizon + 0.08 * CANVAS_SIZE, size + 0.06 * CANVAS_SIZE, 0.8 * CANVAS_SIZE)
    base_y = rng.uniform(lowest_base, 0.93 * CANVAS_SIZE)
    offset = np.clip(rng.normal(0.0, 0.04), -0.08, 0.08) * CANVAS_SIZE
    return Placement(
        centre_x=CANVAS_SIZE / 2 + offset,
        base_y=base_y,
        size=size,
        tilt=rng.uniform(0.12, 0.3),
    )


def draw_scene(rng, label):
    """Draw one image of a cup (``label`` 1) or of another object (``label`` 0).

    Parameters
    ----------
    rng : numpy.random.Generator
        The only source of randomness, so equal generator states give equal images.
    label : int
        1 for a cup, 0 for another object.

    Returns
    -------
    image : numpy.ndarray of shape (64, 64, 3), dtype uint8
    """
    background, horizon = draw_background(rng)
    light = random_light(rng)
    placement = random_placement(rng, horizon)
    drawers = CUP_DRAWERS if label == 1 else OTHER_DRAWERS
    draw_object = drawers[int(rng.integers(len(drawers)))]

    layer = draw_object(rng, placement)
    background = add_contact_shadow(rng, background, layer, placement.base_y, light)
    canvas = composite(background, layer, shade_layer(layer, light))
    return finish_image(rng, canvas, light)
