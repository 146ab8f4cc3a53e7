"""Drawing functions for the objects of the Cup dataset.

Each function has the signature ``draw_NAME(rng, placement) -> ObjectLayer``:
it draws one object in flat colours, standing at ``placement``, and records
the part of it that the light treats as a cylinder or sphere in
``layer.body``.  Cups (label 1) are mugs and tea cups.  The other objects
(label 0) include cans, glasses, vases and bowls, whose outlines resemble a
cup without a handle, so that the classes overlap a little.
"""

import numpy as np

from course_lib.dataset.drawing import ObjectLayer, random_colour, scale_colour

COFFEE = (70, 40, 22)


def ellipse_box(centre_x, centre_y, radius_x, radius_y):
    """Return the (left, top, right, bottom) box of an ellipse."""
    return (centre_x - radius_x, centre_y - radius_y, centre_x + radius_x, centre_y + radius_y)


def draw_cylinder(layer, centre_x, top, bottom, radius, radius_y, fill, opacity=255):
    """Draw the side of an upright cylinder with a rounded bottom edge."""
    layer.rectangle((centre_x - radius, top, centre_x + radius, bottom), fill, opacity)
    layer.ellipse(ellipse_box(centre_x, bottom, radius, radius_y), fill, opacity)


def draw_rim(layer, centre_x, top, radius, radius_y, outer, inner):
    """Draw the open top of a vessel: a rim ellipse with its darker inside."""
    layer.ellipse(ellipse_box(centre_x, top, radius, radius_y), outer)
    inset = max(radius * 0.08, 2.0)
    inner_radius_y = max(radius_y - inset * 0.5, 0.5)
    layer.ellipse(ellipse_box(centre_x, top, radius - inset, inner_radius_y), inner)


def draw_handle(rng, layer, attach_x, top, bottom, radius, side, fill):
    """Draw a ring-shaped handle on the ``side`` (-1 left, +1 right) of a vessel.

    ``attach_x`` is the vessel's edge, ``top`` and ``bottom`` the handle's
    vertical extent and ``radius`` the vessel's radius, which scales the
    handle's reach and thickness.
    """
    reach = radius * rng.uniform(0.55, 0.8)
    inner_x = attach_x - side * reach * 0.5
    outer_x = attach_x + side * reach
    box = (min(inner_x, outer_x), top, max(inner_x, outer_x), bottom)
    layer.ring(box, fill, width=radius * rng.uniform(0.16, 0.26))


def draw_band(rng, layer, centre_x, top, bottom, radius):
    """Draw a horizontal band of a second colour across a cylinder, or nothing (half the time)."""
    if rng.uniform() < 0.5:
        return
    band_top = top + (bottom - top) * rng.uniform(0.2, 0.5)
    band_bottom = band_top + (bottom - top) * rng.uniform(0.1, 0.3)
    band = (centre_x - radius, band_top, centre_x + radius, band_bottom)
    layer.rectangle(band, random_colour(rng))


def choose_handle_side(rng):
    """Return -1 (left), +1 (right) or 0 (handle hidden behind the cup)."""
    return int(rng.choice([-1, 1, 0], p=[0.43, 0.43, 0.14]))


def draw_mug(rng, placement):
    """Draw a straight-sided mug with its handle left, right or hidden."""
    layer = ObjectLayer("cylinder")
    centre_x, bottom = placement.centre_x, placement.base_y
    height = placement.size * rng.uniform(0.75, 0.95)
    radius = height * rng.uniform(0.38, 0.52)
    radius_y = radius * placement.tilt
    top = bottom - height
    colour = random_colour(rng)

    side = choose_handle_side(rng)
    if side:
        handle_bottom = top + height * rng.uniform(0.65, 0.8)
        attach_x = centre_x + side * radius
        draw_handle(rng, layer, attach_x, top + height * 0.15, handle_bottom, radius, side, colour)

    draw_cylinder(layer, centre_x, top, bottom, radius, radius_y, colour)
    draw_band(rng, layer, centre_x, top, bottom, radius)
    inside = scale_colour(colour, 0.5) if rng.uniform() < 0.6 else COFFEE
    draw_rim(layer, centre_x, top, radius, radius_y, scale_colour(colour, 1.1), inside)
    layer.body = (centre_x - radius, top - radius_y, centre_x + radius, bottom + radius_y)
    return layer


def vessel_outline(centre_x, top, bottom, radius_top, radius_bottom, steps=12):
    """Return the polygon of a vessel whose radius grows from bottom to top along a curve."""
    heights = np.linspace(0.0, 1.0, steps)
    radii = radius_bottom + (radius_top - radius_bottom) * np.sqrt(heights)
    rows = bottom - heights * (bottom - top)
    left = [(centre_x - radius, row) for radius, row in zip(radii, rows)]
    right = [(centre_x + radius, row) for radius, row in zip(radii, rows)]
    return left + right[::-1]


def draw_saucer(rng, layer, centre_x, bottom, radius, tilt, fill):
    """Draw a saucer resting on the table and return the row of its surface, where the cup sits."""
    saucer_radius = radius * rng.uniform(1.25, 1.55)
    radius_y = saucer_radius * tilt
    thickness = max(saucer_radius * 0.06, 3.0)
    underside = ellipse_box(centre_x, bottom - radius_y, saucer_radius, radius_y)
    layer.ellipse(underside, scale_colour(fill, 0.75))
    surface_y = bottom - radius_y - thickness
    layer.ellipse(ellipse_box(centre_x, surface_y, saucer_radius, radius_y), fill)
    return surface_y


def draw_teacup(rng, placement):
    """Draw a tea cup on a saucer, the cup wider at the top, with a small handle."""
    layer = ObjectLayer("cylinder")
    centre_x = placement.centre_x
    radius_top = placement.size * rng.uniform(0.36, 0.46)
    radius_bottom = radius_top * rng.uniform(0.5, 0.7)
    height = radius_top * 2 * rng.uniform(0.45, 0.65)
    porcelain = rng.uniform() < 0.5
    if porcelain:
        colour = random_colour(rng, saturation=(0.0, 0.1), value=(0.85, 1.0))
    else:
        colour = random_colour(rng)

    bottom = draw_saucer(rng, layer, centre_x, placement.base_y, radius_top, placement.tilt, colour)
    top = bottom - height
    side = choose_handle_side(rng)
    if side:
        attach_x = centre_x + side * radius_top * 0.85
        handle_rows = (top + height * 0.1, top + height * 0.65)
        draw_handle(rng, layer, attach_x, *handle_rows, radius_top * 0.8, side, colour)

    layer.polygon(vessel_outline(centre_x, top, bottom, radius_top, radius_bottom), colour)
    foot = ellipse_box(centre_x, bottom, radius_bottom, radius_bottom * placement.tilt)
    layer.ellipse(foot, colour)
    rim_colour = random_colour(rng) if porcelain else scale_colour(colour, 1.1)
    radius_y = radius_top * placement.tilt
    draw_rim(layer, centre_x, top, radius_top, radius_y, rim_colour, scale_colour(colour, 0.6))
    layer.body = (centre_x - radius_top, top, centre_x + radius_top, bottom)
    return layer


def draw_bottle(rng, placement):
    """Draw a bottle: body, shoulders, neck, cap and often a label."""
    layer = ObjectLayer("cylinder")
    centre_x, bottom = placement.centre_x, placement.base_y
    height = placement.size * rng.uniform(0.95, 1.15)
    radius = height * rng.uniform(0.15, 0.24)
    neck_radius = radius * rng.uniform(0.3, 0.45)
    top = bottom - height
    shoulder_y = top + height * rng.uniform(0.3, 0.45)
    neck_y = shoulder_y - height * 0.15
    cap_y = top + height * 0.08
    colour = random_colour(rng, value=(0.2, 0.8))

    draw_cylinder(layer, centre_x, shoulder_y, bottom, radius, radius * placement.tilt, colour)
    shoulder = [
        (centre_x - radius, shoulder_y),
        (centre_x - neck_radius, neck_y),
        (centre_x + neck_radius, neck_y),
        (centre_x + radius, shoulder_y),
    ]
    layer.polygon(shoulder, colour)
    layer.rectangle((centre_x - neck_radius, cap_y, centre_x + neck_radius, neck_y), colour)
    cap_radius = neck_radius * 1.15
    layer.rectangle((centre_x - cap_radius, top, centre_x + cap_radius, cap_y), random_colour(rng))

    if rng.uniform() < 0.7:
        label_top = shoulder_y + (bottom - shoulder_y) * rng.uniform(0.15, 0.35)
        label_bottom = label_top + (bottom - shoulder_y) * rng.uniform(0.3, 0.5)
        label = (centre_x - radius, label_top, centre_x + radius, label_bottom)
        layer.rectangle(label, random_colour(rng))
    layer.body = (centre_x - radius, top, centre_x + radius, bottom)
    return layer


def draw_can(rng, placement):
    """Draw a drinks can: a printed cylinder with a metal lid and base."""
    layer = ObjectLayer("cylinder")
    centre_x, bottom = placement.centre_x, placement.base_y
    height = placement.size * rng.uniform(0.7, 0.9)
    radius = height * rng.uniform(0.3, 0.42)
    radius_y = radius * placement.tilt
    top = bottom - height
    metal = random_colour(rng, saturation=(0.0, 0.08), value=(0.6, 0.85))

    draw_cylinder(layer, centre_x, top, bottom, radius, radius_y, metal)
    lip = height * 0.07
    print_box = (centre_x - radius, top + lip, centre_x + radius, bottom - lip)
    layer.rectangle(print_box, random_colour(rng))
    draw_band(rng, layer, centre_x, top + lip, bottom - lip, radius)
    lid, inside = scale_colour(metal, 1.15), scale_colour(metal, 0.8)
    draw_rim(layer, centre_x, top, radius, radius_y, lid, inside)
    layer.body = (centre_x - radius, top - radius_y, centre_x + radius, bottom + radius_y)
    return layer


def trapezoid(centre_x, top, bottom, radius_top, radius_bottom):
    """Return the four corners of a vessel's outline with straight, slanted sides."""
    return [
        (centre_x - radius_bottom, bottom),
        (centre_x - radius_top, top),
        (centre_x + radius_top, top),
        (centre_x + radius_bottom, bottom),
    ]


def draw_glass(rng, placement):
    """Draw a see-through drinking glass, half the time partly filled."""
    layer = ObjectLayer("cylinder")
    centre_x, bottom = placement.centre_x, placement.base_y
    height = placement.size * rng.uniform(0.75, 0.95)
    radius_top = height * rng.uniform(0.3, 0.42)
    radius_bottom = radius_top * rng.uniform(0.7, 0.9)
    top = bottom - height
    tint = random_colour(rng, saturation=(0.0, 0.2), value=(0.8, 1.0))

    outline = trapezoid(centre_x, top, bottom, radius_top, radius_bottom)
    layer.polygon(outline, tint, opacity=int(rng.integers(70, 130)))
    if rng.uniform() < 0.5:
        level = top + height * rng.uniform(0.2, 0.7)
        radius_level = radius_bottom + (radius_top - radius_bottom) * (bottom - level) / height
        liquid = trapezoid(centre_x, level, bottom, radius_level, radius_bottom)
        layer.polygon(liquid, random_colour(rng), opacity=int(rng.integers(150, 220)))

    rim = ellipse_box(centre_x, top, radius_top, radius_top * placement.tilt)
    layer.ring(rim, tint, width=3, opacity=200)
    layer.body = (centre_x - radius_top, top, centre_x + radius_top, bottom)
    return layer


def draw_bowl(rng, placement):
    """Draw a bowl: a half-ellipse body on a short foot, seen from slightly above."""
    layer = ObjectLayer("cylinder")
    centre_x, bottom = placement.centre_x, placement.base_y
    radius = placement.size * rng.uniform(0.5, 0.65)
    height = radius * 2 * rng.uniform(0.3, 0.45)
    top = bottom - height
    colour = random_colour(rng)

    foot = radius * rng.uniform(0.3, 0.45)
    foot_box = (centre_x - foot, bottom - height * 0.15, centre_x + foot, bottom)
    layer.rectangle(foot_box, scale_colour(colour, 0.85))
    angles = np.linspace(0.0, np.pi, 16)
    body = [(centre_x + radius * np.cos(a), top + height * 0.88 * np.sin(a)) for a in angles]
    layer.polygon(body, colour)

    rim, inside = scale_colour(colour, 1.1), scale_colour(colour, 0.65)
    draw_rim(layer, centre_x, top, radius, radius * placement.tilt, rim, inside)
    layer.body = (centre_x - radius, top, centre_x + radius, bottom)
    return layer


def draw_plate(rng, placement):
    """Draw a plate lying flat on the table."""
    layer = ObjectLayer("cylinder")
    centre_x, bottom = placement.centre_x, placement.base_y
    radius = placement.size * rng.uniform(0.5, 0.65)
    radius_y = radius * max(placement.tilt, 0.15) * rng.uniform(1.0, 1.4)
    thickness = max(radius * 0.05, 3.0)
    colour = random_colour(rng, saturation=(0.0, 0.5), value=(0.6, 1.0))

    underside = ellipse_box(centre_x, bottom - radius_y, radius, radius_y)
    layer.ellipse(underside, scale_colour(colour, 0.7))
    surface_y = bottom - radius_y - thickness
    layer.ellipse(ellipse_box(centre_x, surface_y, radius, radius_y), colour)
    well = ellipse_box(centre_x, surface_y, radius * 0.62, radius_y * 0.62)
    layer.ellipse(well, scale_colour(colour, 0.92))
    layer.body = underside
    return layer


def draw_ball(rng, placement):
    """Draw a ball, plain or with a stripe around it."""
    layer = ObjectLayer("sphere")
    radius = placement.size * rng.uniform(0.28, 0.42)
    centre_x, centre_y = placement.centre_x, placement.base_y - radius
    box = ellipse_box(centre_x, centre_y, radius, radius)
    layer.ellipse(box, random_colour(rng))

    if rng.uniform() < 0.5:
        stripe = radius * rng.uniform(0.15, 0.35)
        layer.ellipse(ellipse_box(centre_x, centre_y, radius, stripe), random_colour(rng))
    layer.body = box
    return layer


def draw_box(rng, placement):
    """Draw a closed box with its front, its top and one side visible."""
    layer = ObjectLayer("flat")
    width = placement.size * rng.uniform(0.6, 0.95)
    height = placement.size * rng.uniform(0.45, 0.85)
    depth = width * rng.uniform(0.2, 0.35)
    side = int(rng.choice([-1, 1]))
    left = placement.centre_x - width / 2 - side * depth * 0.35
    right, bottom = left + width, placement.base_y
    top = bottom - height
    colour = random_colour(rng, saturation=(0.2, 0.7))

    shift_x, shift_y = side * depth * 0.7, -depth * 0.5
    edge = right if side > 0 else left
    top_face = [
        (left, top),
        (right, top),
        (right + shift_x, top + shift_y),
        (left + shift_x, top + shift_y),
    ]
    side_face = [
        (edge, top),
        (edge + shift_x, top + shift_y),
        (edge + shift_x, bottom + shift_y),
        (edge, bottom),
    ]
    layer.rectangle((left, top, right, bottom), colour)
    layer.polygon(top_face, scale_colour(colour, 1.2))
    layer.polygon(side_face, scale_colour(colour, 0.7))
    layer.body = (min(left, left + shift_x), top + shift_y, max(right, right + shift_x), bottom)
    return layer


def vase_radii(rng, radius, steps=24):
    """Return the vase's radius at ``steps`` heights from bottom to top: foot, belly, neck, lip."""
    knots = [0.0, rng.uniform(0.25, 0.55), 0.82, 1.0]
    widths = [rng.uniform(0.5, 0.8), 1.0, rng.uniform(0.3, 0.55), rng.uniform(0.4, 0.7)]
    return radius * np.interp(np.linspace(0.0, 1.0, steps), knots, widths)


def draw_vase(rng, placement):
    """Draw a vase with a curved outline: a belly, a narrow neck and a flared lip."""
    layer = ObjectLayer("cylinder")
    centre_x, bottom = placement.centre_x, placement.base_y
    height = placement.size * rng.uniform(0.85, 1.1)
    radius = height * rng.uniform(0.25, 0.38)
    top = bottom - height
    radii = vase_radii(rng, radius)
    rows = np.linspace(bottom, top, len(radii))

    left = [(centre_x - r, row) for r, row in zip(radii, rows)]
    right = [(centre_x + r, row) for r, row in zip(radii, rows)]
    colour = random_colour(rng)
    layer.polygon(left + right[::-1], colour)

    lip, inside = scale_colour(colour, 1.1), scale_colour(colour, 0.5)
    draw_rim(layer, centre_x, top, radii[-1], radii[-1] * placement.tilt, lip, inside)
    layer.body = (centre_x - radius, top, centre_x + radius, bottom)
    return layer


# Mugs are drawn twice as often as tea cups; the other objects equally often.
CUP_DRAWERS = (draw_mug, draw_mug, draw_teacup)
OTHER_DRAWERS = (
    draw_bottle,
    draw_can,
    draw_glass,
    draw_bowl,
    draw_plate,
    draw_ball,
    draw_box,
    draw_vase,
)
