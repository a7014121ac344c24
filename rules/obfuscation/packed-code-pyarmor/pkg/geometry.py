# pytransform3d is an unrelated robotics library.
# ok: packed-code-pyarmor
import pytransform3d.rotations as pr
# ok: packed-code-pyarmor
from transforms import pytransformer


def identity():
    return pr.active_matrix_from_angle(0, 0.0)
