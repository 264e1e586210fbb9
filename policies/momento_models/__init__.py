"""momento policy families: models, runtime state, reference loop and bundle export."""
from .bank import HamletWindow, MemoryBank
from .export import export_bundle
from .models import CameraConfig, Policy, PolicyConfig, build_policy
from .rng import Mulberry32, episode_generator
from .runner import Observation, ReferenceRunner

__all__ = [
    'CameraConfig', 'HamletWindow', 'MemoryBank', 'Mulberry32', 'Observation', 'Policy',
    'PolicyConfig', 'ReferenceRunner', 'build_policy', 'episode_generator', 'export_bundle',
]
