"""Canvas, backgrounds, light and noise for the Cup dataset's scenes.

A scene is drawn at ``SCALE`` times the final size, as float RGB arrays with
values in [0, 1], and shrunk at the end with ``PIL.Image.reduce``, which
averages each ``SCALE`` x ``SCALE`` block.  That average smooths the edges
that ``PIL.ImageDraw`` draws without anti-aliasing.

Textures and shadows are computed with numpy rather than Pillow filters, so
that the pixels depend on as little of Pillow's code as possible.
"""

import colorsys
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from course_lib.dataset.layout import IMAGE_SIZE

SCALE = 4
CANVAS_SIZE = IMAGE_SIZE * SCALE


@dataclass(frozen=True)
class Light:
    """The light of one scene.

    ``direction`` is the horizontal component of the direction the light
    comes from, in [-1, 1] (negative: from the left).  ``ambient`` is the
    brightness of surfaces facing away from the light, ``gloss`` scales the
    specular highlights and ``brightness`` and ``tint`` scale the whole image
    (``tint`` per RGB channel).
    """

    direction: float
    ambient: float
    gloss: float
    brightness: float
    tint: tuple


@dataclass(frozen=True)
class Placement:
    """Position and size of the object, in canvas pixels.

    ``centre_x`` is the object's horizontal centre, ``base_y`` the row where it
    touches the table, ``size`` its characteristic size (about its largest
    extent) and ``tilt`` the height-to-width ratio of circles seen in
    perspective, such as the rim of a cup.
    """

    centre_x: float
    base_y: float
    size: float
    tilt: float


def random_colour(rng, saturation=(0.3, 0.9), value=(0.3, 0.95)):
    """Draw a colour as an (r, g, b) tuple of ints in [0, 255], any hue."""
    hue = rng.uniform(0.0, 1.0)
    red, green, blue = colorsys.hsv_to_rgb(hue, rng.uniform(*saturation), rng.uniform(*value))
    return (round(red * 255), round(green * 255), round(blue * 255))


def scale_colour(colour, factor):
    """Multiply an (r, g, b) colour by ``factor``, clipped to [0, 255]."""
    return tuple(int(min(255, max(0, round(channel * factor)))) for channel in colour)


def random_light(rng):
    """Draw the light of a scene."""
    return Light(
        direction=rng.uniform(-0.8, 0.8),
        ambient=rng.uniform(0.35, 0.6),
        gloss=rng.uniform(0.1, 0.5),
        brightness=rng.uniform(0.8, 1.1),
        tint=tuple(rng.uniform(0.92, 1.08, size=3)),
    )


def smooth_noise(rng, cells, size=CANVAS_SIZE):
    """Return low-frequency noise of shape (size, size) in [0, 1].

    A ``cells`` x ``cells`` grid of random values is interpolated linearly,
    first along rows and then along columns.
    """
    grid = rng.uniform(0.0, 1.0, size=(cells + 1, cells + 1))
    positions = np.linspace(0.0, cells, size)
    knots = np.arange(cells + 1)

    rows = np.stack([np.interp(positions, knots, grid[i]) for i in range(cells + 1)])
    return np.stack([np.interp(positions, knots, rows[:, j]) for j in range(size)], axis=1)


def vertical_gradient(top_colour, bottom_colour, height, width=CANVAS_SIZE):
    """Return an image of shape (height, width, 3) fading from one colour to another."""
    top = np.array(top_colour, dtype=np.float64) / 255.0
    bottom = np.array(bottom_colour, dtype=np.float64) / 255.0
    weights = np.linspace(0.0, 1.0, height)[:, np.newaxis, np.newaxis]

    column = top * (1.0 - weights) + bottom * weights
    return np.repeat(column, width, axis=1)


def stripe_pattern(rng, shape, vertical):
    """Return 0/1 stripes of shape ``shape`` with a random period in pixels."""
    period = rng.uniform(14.0, 40.0)
    rows, columns = np.indices(shape, dtype=np.float64)
    coordinate = columns if vertical else rows
    return (np.floor(coordinate / (period / 2.0)) % 2).astype(np.float64)


def texture_wall(rng, wall):
    """Darken parts of a wall image in place: plain, blotches, stripes or tiles."""
    kind = rng.choice(["plain", "blotches", "stripes", "tiles"])
    shape = wall.shape[:2]
    if kind == "blotches":
        noise = smooth_noise(rng, int(rng.integers(3, 8)))[: shape[0]]
        wall *= (1.0 + rng.uniform(0.1, 0.3) * (noise - 0.5))[..., np.newaxis]
    elif kind == "stripes":
        stripes = stripe_pattern(rng, shape, vertical=True)
        wall *= (1.0 - rng.uniform(0.04, 0.15) * stripes)[..., np.newaxis]
    elif kind == "tiles":
        period = rng.uniform(20.0, 48.0)
        rows, columns = np.indices(shape, dtype=np.float64)
        grout = ((rows % period) < 3) | ((columns % period) < 3)
        wall *= (1.0 - rng.uniform(0.1, 0.25) * grout)[..., np.newaxis]
    return wall


def texture_table(rng, table):
    """Add a surface to a table image in place: plain, wood grain, checked cloth or speckles."""
    kind = rng.choice(["plain", "wood", "checks", "speckles"])
    shape = table.shape[:2]
    rows, columns = np.indices(shape, dtype=np.float64)
    if kind == "wood":
        warp = smooth_noise(rng, 4)[: shape[0]] * rng.uniform(10.0, 30.0)
        grain = np.sin(2.0 * np.pi * (rows + warp) / rng.uniform(10.0, 24.0))
        table *= (1.0 + rng.uniform(0.05, 0.15) * grain)[..., np.newaxis]
    elif kind == "checks":
        period = rng.uniform(16.0, 40.0)
        checks = (np.floor(rows / period) + np.floor(columns / period)) % 2
        table *= (1.0 - rng.uniform(0.15, 0.4) * checks)[..., np.newaxis]
    elif kind == "speckles":
        table *= rng.uniform(0.92, 1.08, size=shape)[..., np.newaxis]
    return table


def draw_background(rng):
    """Draw a wall above a table.

    Returns
    -------
    background : numpy.ndarray of shape (CANVAS_SIZE, CANVAS_SIZE, 3)
        RGB values in [0, 1] (textures may exceed 1 until the final clip).
    horizon : int
        Row where the table starts.
    """
    horizon = int(rng.uniform(0.45, 0.7) * CANVAS_SIZE)
    wall_colour = random_colour(rng, saturation=(0.0, 0.35), value=(0.6, 0.95))
    table_colour = random_colour(rng, saturation=(0.1, 0.6), value=(0.3, 0.8))

    wall_bottom = scale_colour(wall_colour, rng.uniform(0.75, 1.0))
    wall = texture_wall(rng, vertical_gradient(wall_colour, wall_bottom, horizon))

    table_top = scale_colour(table_colour, rng.uniform(0.7, 0.95))
    table = vertical_gradient(table_top, table_colour, CANVAS_SIZE - horizon)
    table = texture_table(rng, table)
    return np.concatenate([wall, table]), horizon


class ObjectLayer:
    """One object drawn in flat colours over a transparent canvas.

    Attributes
    ----------
    colour : PIL.Image.Image
        RGB image of the object's flat colours.
    coverage : PIL.Image.Image
        Greyscale image: 255 where the object is opaque, 0 where it is absent
        and values in between for glass.
    shading : {"cylinder", "sphere", "flat"}
        How ``shade_layer`` lights the object.
    body : tuple of float
        (left, top, right, bottom) of the part that ``shading`` treats as the
        cylinder or sphere; set by the object's drawing function.
    """

    def __init__(self, shading="cylinder"):
        self.colour = Image.new("RGB", (CANVAS_SIZE, CANVAS_SIZE))
        self.coverage = Image.new("L", (CANVAS_SIZE, CANVAS_SIZE))
        self.shading = shading
        self.body = (0.0, 0.0, float(CANVAS_SIZE), float(CANVAS_SIZE))
        self._colour_draw = ImageDraw.Draw(self.colour)
        self._coverage_draw = ImageDraw.Draw(self.coverage)

    def ellipse(self, box, fill, opacity=255):
        """Fill the ellipse inscribed in ``box`` = (left, top, right, bottom)."""
        self._colour_draw.ellipse(box, fill=fill)
        self._coverage_draw.ellipse(box, fill=opacity)

    def ring(self, box, fill, width, opacity=255):
        """Draw the outline of the ellipse in ``box``, ``width`` pixels thick."""
        self._colour_draw.ellipse(box, outline=fill, width=round(width))
        self._coverage_draw.ellipse(box, outline=opacity, width=round(width))

    def rectangle(self, box, fill, opacity=255):
        """Fill the rectangle ``box`` = (left, top, right, bottom)."""
        self._colour_draw.rectangle(box, fill=fill)
        self._coverage_draw.rectangle(box, fill=opacity)

    def polygon(self, points, fill, opacity=255):
        """Fill the polygon through ``points``, a list of (x, y) pairs."""
        self._colour_draw.polygon(points, fill=fill)
        self._coverage_draw.polygon(points, fill=opacity)


def light_vector(light, height):
    """Return the unit vector towards the light in image axes: x right, y down, z to the viewer."""
    vector = np.array([light.direction, -height, 1.0])
    return vector / np.linalg.norm(vector)


def surface_normals(layer):
    """Return unit normals of shape (CANVAS_SIZE, CANVAS_SIZE, 3) for the layer's shading."""
    left, top, right, bottom = layer.body
    rows, columns = np.indices((CANVAS_SIZE, CANVAS_SIZE), dtype=np.float64) + 0.5
    u = np.clip((columns - (left + right) / 2.0) / max((right - left) / 2.0, 1.0), -1.0, 1.0)
    v = np.zeros_like(u)

    if layer.shading == "sphere":
        v = np.clip((rows - (top + bottom) / 2.0) / max((bottom - top) / 2.0, 1.0), -1.0, 1.0)
    elif layer.shading == "flat":
        u = np.zeros_like(u)
    depth = np.sqrt(np.clip(1.0 - u**2 - v**2, 0.0, 1.0))
    return np.stack([u, v, depth], axis=-1)


def shade_layer(layer, light):
    """Light the layer's flat colours with diffuse shading and a specular highlight.

    Returns
    -------
    shaded : numpy.ndarray of shape (CANVAS_SIZE, CANVAS_SIZE, 3)
        RGB values, mostly in [0, 1].
    """
    colour = np.asarray(layer.colour, dtype=np.float64) / 255.0
    normals = surface_normals(layer)
    to_light = light_vector(light, height=0.4)
    halfway = to_light + np.array([0.0, 0.0, 1.0])
    halfway /= np.linalg.norm(halfway)

    diffuse = np.clip(normals @ to_light, 0.0, 1.0)
    specular = np.clip(normals @ halfway, 0.0, 1.0) ** 24
    if layer.shading == "flat":
        specular = np.zeros_like(specular)
    brightness = light.ambient + (1.0 - light.ambient) * diffuse
    return colour * brightness[..., np.newaxis] + (light.gloss * specular)[..., np.newaxis]


def add_contact_shadow(rng, background, layer, base_y, light):
    """Darken the table under the object in place with a soft elliptical shadow."""
    left, _, right, _ = layer.body
    radius_x = (right - left) * rng.uniform(0.55, 0.8)
    radius_y = max(radius_x * rng.uniform(0.15, 0.3), 4.0)
    centre_x = (left + right) / 2.0 - light.direction * radius_x * 0.5
    rows, columns = np.indices(background.shape[:2], dtype=np.float64)

    distance = ((columns - centre_x) / radius_x) ** 2 + ((rows - base_y) / radius_y) ** 2
    darkness = rng.uniform(0.3, 0.55) * np.clip(1.0 - distance, 0.0, 1.0) ** 1.5
    background *= (1.0 - darkness)[..., np.newaxis]
    return background


def composite(background, layer, shaded):
    """Place the shaded object over the background using the layer's coverage as alpha."""
    alpha = (np.asarray(layer.coverage, dtype=np.float64) / 255.0)[..., np.newaxis]
    return background * (1.0 - alpha) + shaded * alpha


def sensor_noise(rng, grain=2):
    """Return grey noise of shape (IMAGE_SIZE, IMAGE_SIZE, 1) in square grains of ``grain`` pixels.

    The noise is the same in the three channels and constant over each grain,
    which keeps it visible while the PNG files stay small: independent noise
    in every channel of every pixel would double the size of the dataset.
    """
    cells = IMAGE_SIZE // grain
    values = rng.normal(0.0, rng.uniform(0.0, 2.5), size=(cells, cells, 1))
    return np.repeat(np.repeat(values, grain, axis=0), grain, axis=1)


def finish_image(rng, canvas, light):
    """Apply the light's colour, shrink the canvas to IMAGE_SIZE and add sensor noise.

    Returns
    -------
    image : numpy.ndarray of shape (IMAGE_SIZE, IMAGE_SIZE, 3), dtype uint8
    """
    columns = np.linspace(-1.0, 1.0, CANVAS_SIZE)
    falloff = 1.0 + 0.15 * light.direction * columns
    canvas = canvas * falloff[np.newaxis, :, np.newaxis] * light.brightness * np.array(light.tint)
    large = Image.fromarray(np.round(np.clip(canvas, 0.0, 1.0) * 255.0).astype(np.uint8))

    small = np.asarray(large.reduce(SCALE), dtype=np.float64)
    return np.round(np.clip(small + sensor_noise(rng), 0.0, 255.0)).astype(np.uint8)
