"""The policy families as plain nn.Modules, one module per exported graph (encoder, memory, head).

Every graph module declares its tensors (`inputs`, `outputs`: name, dtype, shape without the
batch dimension) in the order its forward() takes and returns them; the reference runner and the
exporter wire graphs by those names, as the runtime does (the README, "The bundle contract").

Attention is written by hand (matmul + masked softmax, masked scores set to a large negative
constant instead of -inf) so that the ONNX export is plain MatMul/Softmax/Where. Only APIs common
to PyTorch 1.13 and 2.x are used.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    'CameraConfig', 'PolicyConfig', 'TensorSpec', 'Graph', 'Policy', 'build_policy',
    'Backbone', 'ViTStem', 'MemorylessEncoder', 'HamletEncoder', 'MemoryVLAEncoder',
    'HamletMemory', 'MemoryVLAMemory', 'DirectHead', 'DenoiserHead',
]

#: Score given to masked attention entries: exp() of it underflows to 0, unlike -inf it never makes NaN.
MASKED_SCORE = -1e9


# ----------------------------------------------------------------------------------------------
# configuration


@dataclass
class CameraConfig:
    name: str
    height: int
    width: int
    channels: int = 3


@dataclass
class PolicyConfig:
    cameras: list
    proprio_dim: int
    num_tasks: int
    action_dim: int
    chunk: int
    #: Backbone width d (image tokens, context, HAMLET moments).
    dim: int = 32
    heads: int = 2
    conv_channels: tuple = (8, 16)
    #: Camera stem: 'cnn' (CameraStem, the small convolutions of every reference bundle) or 'vit'
    #: (ViTStem: patches + pre-norm transformer blocks, e.g. ViT-S/16 = patch 16, width 384, 12
    #: blocks, 6 heads, ~21.7 M parameters, the size of real policies' encoders).
    backbone: str = 'cnn'
    patch: int = 16
    vit_dim: int = 384
    vit_layers: int = 12
    vit_heads: int = 6
    #: 'none' | 'hamlet' | 'memoryvla'
    memory: str = 'none'
    # hamlet
    moment_tokens: int = 4
    window: int = 4
    memory_blocks: int = 2
    # memoryvla
    capacity: int = 16
    write: str = 'fused'
    perceptual_tokens: int = 4
    perceptual_dim: int = 16
    cognitive_dim: int = 16
    # head: 'direct' | 'flow' | 'ddim'
    head: str = 'direct'
    head_hidden: int = 64
    #: Direct-head inputs beyond the pooled `context` and `memory` (memoryvla only), each added to
    #: the head's first-layer pre-activation through a zero-initialised projection, so a policy
    #: trained without them keeps its function exactly when they are added (warm starts):
    #: 'perceptual_fused': the memory graph's fused perceptual tokens, flattened (not pooled);
    #: 'image_tokens': the encoder's image tokens (position-carrying), read by `head_queries`
    #: cross-attention queries made from the pooled features (a cue-conditioned look at the scene).
    head_extras: tuple = ()
    head_queries: int = 4
    time_dim: int = 16
    steps: int = 10
    train_steps: int = 100
    beta_start: float = 1e-4
    beta_end: float = 0.02


@dataclass
class TensorSpec:
    name: str
    dtype: str
    #: Dimensions after the batch dimension (the sizes traced at export).
    shape: list = field(default_factory=list)
    #: Axes (index into `shape`) exported as symbolic dimensions, with their names: the graph then
    #: takes any size there (MemoryVLA's bank axis 'slots', so the runtime can pad a larger bank).
    symbolic: dict = field(default_factory=dict)

    def manifest(self) -> dict:
        return {'name': self.name, 'dtype': self.dtype, 'shape': ['batch', *self.dims()]}

    def dims(self) -> list:
        """The shape after the batch dimension as exported: symbolic axes by name."""
        return [self.symbolic.get(i, d) for i, d in enumerate(self.shape)]


# ----------------------------------------------------------------------------------------------
# building blocks


class MLP(nn.Module):
    def __init__(self, d_in: int, d_hidden: int, d_out: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """[B, N, D] -> [B, heads, N, D/heads]"""
    b, n, d = x.shape[0], x.shape[1], x.shape[2]
    return x.reshape(b, n, heads, d // heads).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """[B, heads, N, dh] -> [B, N, heads*dh]"""
    b, h, n, dh = x.shape[0], x.shape[1], x.shape[2], x.shape[3]
    return x.transpose(1, 2).reshape(b, n, h * dh)


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, head_dim: int,
           valid: Optional[torch.Tensor] = None) -> tuple:
    """Scaled dot-product attention over split heads q [B,h,Nq,dh], k/v [B,h,Nk,dh].

    `valid` (bool, broadcastable to [B, h, Nq, Nk]) marks the keys a query may attend to; every
    query must have at least one. Returns (out [B,h,Nq,dh], weights [B,h,Nq,Nk]).
    """
    scores = torch.matmul(q * (1.0 / math.sqrt(head_dim)), k.transpose(-2, -1))
    if valid is not None:
        scores = scores.masked_fill(~valid, MASKED_SCORE)
    weights = torch.softmax(scores, dim=-1)
    return torch.matmul(weights, v), weights


def sinusoidal(t: torch.Tensor, dim: int, base: float = 10000.0) -> torch.Tensor:
    """Sinusoidal encoding of a float tensor t [...] -> [..., dim]: sin(t w_j) then cos(t w_j),
    w_j = base^(-j / (dim/2)), j < dim/2."""
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32, device=t.device) * (-math.log(base) / half))
    angles = t.unsqueeze(-1) * freqs
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)


class CrossAttention(nn.Module):
    """Multi-head attention with separate query / key / value inputs."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        if dim % heads != 0:
            raise ValueError(f'dim {dim} is not divisible by heads {heads}')
        self.heads, self.head_dim = heads, dim // heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.o = nn.Linear(dim, dim)

    def forward(self, xq: torch.Tensor, xk: torch.Tensor, xv: torch.Tensor,
                valid: Optional[torch.Tensor] = None) -> tuple:
        q = split_heads(self.q(xq), self.heads)
        k = split_heads(self.k(xk), self.heads)
        v = split_heads(self.v(xv), self.heads)
        out, weights = attend(q, k, v, self.head_dim, valid)
        return self.o(merge_heads(out)), weights


class TokenQueries(nn.Module):
    """Learnable query tokens, conditioned on the context, that read a token set by cross-attention
    (a one-layer resampler): the HAMLET moment tokens and the MemoryVLA perceptual tokens."""

    def __init__(self, count: int, dim: int, heads: int, out_dim: int) -> None:
        super().__init__()
        self.queries = nn.Parameter(torch.randn(count, dim) * 0.5)
        self.from_context = nn.Linear(dim, dim)
        self.norm_q = nn.LayerNorm(dim)
        self.norm_kv = nn.LayerNorm(dim)
        self.attn = CrossAttention(dim, heads)
        self.norm_mlp = nn.LayerNorm(dim)
        self.mlp = MLP(dim, 2 * dim, dim)
        self.out = nn.Linear(dim, out_dim)

    def forward(self, tokens: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        q = self.queries.unsqueeze(0) + self.from_context(context).unsqueeze(1)  # [B, n, d]
        kv = self.norm_kv(tokens)
        h, _ = self.attn(self.norm_q(q), kv, kv)
        q = q + h
        q = q + self.mlp(self.norm_mlp(q))
        return self.out(q)


class CameraStem(nn.Module):
    """One stride-2 3x3 convolution per entry of `channels` (two for the tiny bundles, e.g. three
    (16, 32, 64) over 64 x 64 for the trained ones: an 8 x 8 map); each cell of the last feature
    map becomes a token of width d. Modules are created in the order conv1, conv2, ..., proj, pos,
    so a given seed initialises the two-convolution stem exactly as before."""

    def __init__(self, camera: CameraConfig, channels: tuple, dim: int) -> None:
        super().__init__()
        channels = tuple(int(c) for c in channels)
        if len(channels) < 1:
            raise ValueError('CameraStem: conv_channels needs at least one entry')
        self.num_convs = len(channels)
        c_in, h, w = camera.channels, camera.height, camera.width
        for i, c_out in enumerate(channels):
            setattr(self, f'conv{i + 1}', nn.Conv2d(c_in, c_out, 3, stride=2, padding=1))
            c_in, h, w = c_out, (h + 1) // 2, (w + 1) // 2
        self.proj = nn.Linear(c_in, dim)
        self.tokens = h * w
        self.pos = nn.Parameter(torch.randn(1, self.tokens, dim) * 0.1)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        h = image
        for i in range(self.num_convs):
            h = F.gelu(getattr(self, f'conv{i + 1}')(h))
        h = h.flatten(2).transpose(1, 2)  # [B, S, c_last]
        return self.proj(h) + self.pos


class ViTBlock(nn.Module):
    """Pre-norm transformer block over all tokens (no mask), MLP ratio 4: a ViT encoder block."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        if dim % heads != 0:
            raise ValueError(f'ViTBlock: dim {dim} is not divisible by heads {heads}')
        self.heads, self.head_dim = heads, dim // heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.o = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = MLP(dim, 4 * dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)
        out, _ = attend(split_heads(q, self.heads), split_heads(k, self.heads), split_heads(v, self.heads), self.head_dim)
        x = x + self.o(merge_heads(out))
        return x + self.mlp(self.norm2(x))


class ViTStem(nn.Module):
    """A ViT over one camera: non-overlapping patches (a stride-`patch` convolution), learned
    positions, `vit_layers` pre-norm blocks, a final norm; each patch becomes a token of width d."""

    def __init__(self, camera: CameraConfig, cfg: 'PolicyConfig') -> None:
        super().__init__()
        p = int(cfg.patch)
        if camera.height % p or camera.width % p:
            raise ValueError(f'ViTStem: camera {camera.name!r} {camera.height}x{camera.width} is not a multiple of patch {p}')
        w = int(cfg.vit_dim)
        self.patches = nn.Conv2d(camera.channels, w, p, stride=p)
        self.tokens = (camera.height // p) * (camera.width // p)
        self.pos = nn.Parameter(torch.randn(1, self.tokens, w) * 0.02)
        self.blocks = nn.ModuleList([ViTBlock(w, int(cfg.vit_heads)) for _ in range(int(cfg.vit_layers))])
        self.norm = nn.LayerNorm(w)
        self.proj = nn.Linear(w, cfg.dim)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = self.patches(image).flatten(2).transpose(1, 2) + self.pos  # [B, S, w]
        for block in self.blocks:
            x = block(x)
        return self.proj(self.norm(x))


def camera_stem(camera: CameraConfig, cfg: 'PolicyConfig') -> nn.Module:
    if cfg.backbone == 'cnn':
        return CameraStem(camera, tuple(cfg.conv_channels), cfg.dim)
    if cfg.backbone == 'vit':
        return ViTStem(camera, cfg)
    raise ValueError(f"PolicyConfig.backbone must be 'cnn' or 'vit', got {cfg.backbone!r}")


class Backbone(nn.Module):
    """Shared by every family: a stem per camera (a small CNN, or a ViT), an MLP over proprio and a task embedding.

    Returns the token set [B, S + 2, d] (image tokens, proprio token, task token) and a context
    vector [B, d].
    """

    def __init__(self, cfg: PolicyConfig) -> None:
        super().__init__()
        d = cfg.dim
        self.stems = nn.ModuleList([camera_stem(c, cfg) for c in cfg.cameras])
        self.proprio = MLP(cfg.proprio_dim, d, d)
        self.task = nn.Embedding(cfg.num_tasks, d)
        self.norm = nn.LayerNorm(3 * d)
        self.context = MLP(3 * d, 2 * d, d)

    def forward(self, images: list, proprio: torch.Tensor, task: torch.Tensor) -> tuple:
        image_tokens = torch.cat([stem(img) for stem, img in zip(self.stems, images)], dim=1)
        p = self.proprio(proprio)
        e = self.task(task)
        context = self.context(self.norm(torch.cat([image_tokens.mean(dim=1), p, e], dim=-1)))
        tokens = torch.cat([image_tokens, p.unsqueeze(1), e.unsqueeze(1)], dim=1)
        return tokens, context


# ----------------------------------------------------------------------------------------------
# graphs


class Graph(nn.Module):
    """A module exported as one ONNX graph; forward takes `inputs` and returns `outputs`, in order."""

    inputs: list
    outputs: list


def _encoder_inputs(cfg: PolicyConfig) -> list:
    specs = [TensorSpec(c.name, 'float32', [c.channels, c.height, c.width]) for c in cfg.cameras]
    specs.append(TensorSpec('proprio', 'float32', [cfg.proprio_dim]))
    specs.append(TensorSpec('task', 'int64', []))
    return specs


class MemorylessEncoder(Graph):
    def __init__(self, cfg: PolicyConfig) -> None:
        super().__init__()
        self.num_cameras = len(cfg.cameras)
        self.backbone = Backbone(cfg)
        self.inputs = _encoder_inputs(cfg)
        self.outputs = [TensorSpec('context', 'float32', [cfg.dim])]

    def forward(self, *args: torch.Tensor) -> torch.Tensor:
        n = self.num_cameras
        _, context = self.backbone(list(args[:n]), args[n], args[n + 1])
        return context


class HamletEncoder(Graph):
    """Backbone + n_q learnable moment tokens reading the image / proprio / task tokens."""

    def __init__(self, cfg: PolicyConfig) -> None:
        super().__init__()
        self.num_cameras = len(cfg.cameras)
        self.backbone = Backbone(cfg)
        self.moments = TokenQueries(cfg.moment_tokens, cfg.dim, cfg.heads, cfg.dim)
        self.inputs = _encoder_inputs(cfg)
        self.outputs = [
            TensorSpec('moments', 'float32', [cfg.moment_tokens, cfg.dim]),
            TensorSpec('context', 'float32', [cfg.dim]),
        ]

    def forward(self, *args: torch.Tensor) -> tuple:
        n = self.num_cameras
        tokens, context = self.backbone(list(args[:n]), args[n], args[n + 1])
        return self.moments(tokens, context), context


class MemoryVLAEncoder(Graph):
    """Backbone + perceptual tokens (learned queries over the tokens) + one cognitive token (from
    the context)."""

    def __init__(self, cfg: PolicyConfig) -> None:
        super().__init__()
        self.num_cameras = len(cfg.cameras)
        self.backbone = Backbone(cfg)
        self.perceptual = TokenQueries(cfg.perceptual_tokens, cfg.dim, cfg.heads, cfg.perceptual_dim)
        self.cognitive = MLP(cfg.dim, cfg.dim, cfg.cognitive_dim)
        self.inputs = _encoder_inputs(cfg)
        self.outputs = [
            TensorSpec('perceptual', 'float32', [cfg.perceptual_tokens, cfg.perceptual_dim]),
            TensorSpec('cognitive', 'float32', [1, cfg.cognitive_dim]),
            TensorSpec('context', 'float32', [cfg.dim]),
        ]
        #: With head extra 'image_tokens': the backbone's image tokens [S, d] are an output too.
        self.image_tokens = sum(stem.tokens for stem in self.backbone.stems) if 'image_tokens' in cfg.head_extras else 0
        if self.image_tokens:
            self.outputs.append(TensorSpec('image_tokens', 'float32', [self.image_tokens, cfg.dim]))

    def forward(self, *args: torch.Tensor) -> tuple:
        n = self.num_cameras
        tokens, context = self.backbone(list(args[:n]), args[n], args[n + 1])
        out = (self.perceptual(tokens, context), self.cognitive(context).unsqueeze(1), context)
        return out + (tokens[:, :self.image_tokens],) if self.image_tokens else out


def rope_tables(positions: torch.Tensor, head_dim: int, base: float = 10000.0) -> tuple:
    """cos/sin tables [N, head_dim] for rotary embeddings, rotate-half layout."""
    half = head_dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float64) * (-math.log(base) / half))
    angles = positions.to(torch.float64).unsqueeze(-1) * freqs
    angles = torch.cat([angles, angles], dim=-1)
    return torch.cos(angles).float(), torch.sin(angles).float()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


class CausalBlock(nn.Module):
    """Pre-norm transformer block over a flattened window, with RoPE on q/k and a fixed mask."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.o = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = MLP(dim, 4 * dim, dim)

    def forward(self, x: torch.Tensor, valid: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)
        q = apply_rope(split_heads(q, self.heads), cos, sin)
        k = apply_rope(split_heads(k, self.heads), cos, sin)
        out, _ = attend(q, k, split_heads(v, self.heads), self.head_dim, valid)
        x = x + self.o(merge_heads(out))
        return x + self.mlp(self.norm2(x))


class HamletMemory(Graph):
    """Memory over the window [B, T, n_q, d]: pre-norm blocks with block-causal attention (a token
    of call i attends to every token of calls <= i) and RoPE over the call index (0 = oldest);
    `memory` [B, d] is the projected mean of the last (current) call's tokens."""

    def __init__(self, cfg: PolicyConfig) -> None:
        super().__init__()
        t, n, d = cfg.window, cfg.moment_tokens, cfg.dim
        self.window, self.tokens_per_call = t, n
        self.blocks = nn.ModuleList([CausalBlock(d, cfg.heads) for _ in range(cfg.memory_blocks)])
        self.norm = nn.LayerNorm(d)
        self.out = nn.Linear(d, d)
        call = torch.arange(t).repeat_interleave(n)  # call index of each flattened token
        self.register_buffer('valid', call.unsqueeze(1) >= call.unsqueeze(0), persistent=False)
        cos, sin = rope_tables(call, d // cfg.heads)
        self.register_buffer('rope_cos', cos, persistent=False)
        self.register_buffer('rope_sin', sin, persistent=False)
        self.inputs = [TensorSpec('window', 'float32', [t, n, d])]
        self.outputs = [TensorSpec('memory', 'float32', [d])]

    def forward(self, window: torch.Tensor) -> torch.Tensor:
        b, d = window.shape[0], window.shape[3]
        x = window.reshape(b, self.window * self.tokens_per_call, d)
        for block in self.blocks:
            x = block(x, self.valid, self.rope_cos, self.rope_sin)
        current = self.norm(x[:, (self.window - 1) * self.tokens_per_call:, :])
        return self.out(current.mean(dim=1))


class StreamRetrieval(nn.Module):
    """One MemoryVLA stream: the current tokens query the bank (keys carry a sinusoidal encoding of
    the entry's timestep, the queries one of the current step; a learned null key/value is always
    attended, so an empty bank works), then a gate fuses current and retrieved tokens."""

    def __init__(self, tokens: int, dim: int, heads: int) -> None:
        super().__init__()
        self.tokens, self.dim, self.heads = tokens, dim, heads
        self.norm_x = nn.LayerNorm(dim)
        self.norm_bank = nn.LayerNorm(dim)
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.o = nn.Linear(dim, dim)
        self.null_k = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.null_v = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.gate = MLP(2 * dim, dim, dim)
        with torch.no_grad():  # start out trusting the current tokens (g ~ 0.73) more than the bank
            self.gate.fc2.bias.fill_(1.0)

    def forward(self, x: torch.Tensor, bank: torch.Tensor, times: torch.Tensor, mask: torch.Tensor,
                step: torch.Tensor) -> tuple:
        return self.read(x, None, bank, times, mask, step=step)

    def query(self, x: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
        """The projected queries [B, N, d]; they do not depend on the bank, so training computes
        them for every call of an episode at once (training.py)."""
        return self.q(self.norm_x(x) + sinusoidal(step, self.dim).unsqueeze(1))

    def read(self, x: torch.Tensor, q: Optional[torch.Tensor], bank: torch.Tensor, times: torch.Tensor, mask: torch.Tensor,
             attention: bool = True, step: Optional[torch.Tensor] = None) -> tuple:
        """Retrieve with queries q (None: query(x, step), traced where it always was, so the
        exported graph is unchanged) and fuse; returns (fused [B, N, d], per-slot attention [B, L]
        or None when attention is False)."""
        b, slots = bank.shape[0], bank.shape[1]
        n, d = self.tokens, self.dim
        entries = self.norm_bank(bank)  # [B, L, N, d]
        keys = entries + sinusoidal(times, d).unsqueeze(2)
        if q is None:
            q = self.query(x, step)
        k = torch.cat([self.null_k.expand(b, 1, d), self.k(keys.reshape(b, slots * n, d))], dim=1)
        v = torch.cat([self.null_v.expand(b, 1, d), self.v(entries.reshape(b, slots * n, d))], dim=1)
        token_mask = mask.unsqueeze(2).expand(b, slots, n).reshape(b, slots * n)
        valid = torch.cat([torch.ones_like(mask[:, :1]), token_mask], dim=1) > 0.5  # [B, 1 + L*N]
        out, weights = attend(split_heads(q, self.heads), split_heads(k, self.heads),
                              split_heads(v, self.heads), d // self.heads, valid.unsqueeze(1).unsqueeze(1))
        retrieved = self.o(merge_heads(out))
        g = torch.sigmoid(self.gate(torch.cat([x, retrieved], dim=-1)))
        fused = g * x + (1.0 - g) * retrieved
        if not attention:
            return fused, None
        # weights [B, h, N, 1 + L*N] -> per slot (summed over its tokens, null left out), mean over heads and queries
        per_slot = weights[:, :, :, 1:].reshape(b, self.heads, n, slots, n).sum(dim=-1)
        return fused, per_slot.mean(dim=2).mean(dim=1)


class MemoryVLAMemory(Graph):
    """Retrieve-and-fuse for the perceptual and cognitive streams, plus a pooled `memory` [B, d]."""

    def __init__(self, cfg: PolicyConfig) -> None:
        super().__init__()
        self.streams = [('perceptual', cfg.perceptual_tokens, cfg.perceptual_dim),
                        ('cognitive', 1, cfg.cognitive_dim)]
        self.retrieval = nn.ModuleList([StreamRetrieval(n, d, cfg.heads) for _, n, d in self.streams])
        width = sum(d for _, _, d in self.streams)
        self.norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, cfg.dim)
        # The bank axis is symbolic ('slots'): retrieval attends over whatever slots it is given, so
        # the runtime can run the trained weights with a larger bank (capacity ablations) by padding.
        L = cfg.capacity
        slots = {0: 'slots'}
        self.inputs, self.outputs = [], []
        for name, n, d in self.streams:
            self.inputs += [
                TensorSpec(name, 'float32', [n, d]),
                TensorSpec(f'{name}_bank', 'float32', [L, n, d], slots),
                TensorSpec(f'{name}_times', 'float32', [L], slots),
                TensorSpec(f'{name}_mask', 'float32', [L], slots),
            ]
            self.outputs += [
                TensorSpec(f'{name}_fused', 'float32', [n, d]),
                TensorSpec(f'{name}_attention', 'float32', [L], slots),
            ]
        self.inputs.append(TensorSpec('step', 'float32', []))
        self.outputs.append(TensorSpec('memory', 'float32', [cfg.dim]))

    def forward(self, *args: torch.Tensor) -> tuple:
        step = args[-1]
        results, pooled = [], []
        for i, retrieval in enumerate(self.retrieval):
            x, bank, times, mask = args[4 * i: 4 * i + 4]
            fused, attention = retrieval(x, bank, times, mask, step)
            results += [fused, attention]
            pooled.append(fused.mean(dim=1))
        results.append(self.out(self.norm(torch.cat(pooled, dim=-1))))
        return tuple(results)


class TokenRead(nn.Module):
    """`queries` cross-attention queries, made from the pooled features, read a token set [B, S, d];
    their outputs, flattened, go through a zero-initialised projection to `out_dim`."""

    def __init__(self, width: int, dim: int, heads: int, queries: int, out_dim: int) -> None:
        super().__init__()
        self.count = queries
        self.queries = nn.Parameter(torch.randn(queries, dim) * 0.5)
        self.from_features = nn.Linear(width, dim)
        self.norm_kv = nn.LayerNorm(dim)
        self.attn = CrossAttention(dim, heads)
        self.norm_out = nn.LayerNorm(queries * dim)
        self.out = nn.Linear(queries * dim, out_dim)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, pooled: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        q = self.queries.unsqueeze(0) + self.from_features(pooled).unsqueeze(1)  # [B, q, d]
        kv = self.norm_kv(tokens)
        h, _ = self.attn(q, kv, kv)
        return self.out(self.norm_out(h.reshape(h.shape[0], -1)))


class DirectHead(Graph):
    """MLP from the features to the normalised chunk [B, k, A].

    The 1-D features ([d]) are concatenated and normalised into the first layer. Token-set features
    (cfg.head_extras: 'perceptual_fused' [N, d], flattened; 'image_tokens' [S, d], read by
    TokenRead) each add a zero-initialised projection to the first layer's pre-activation, so at
    initialisation the head computes what it computes without them."""

    def __init__(self, cfg: PolicyConfig, features: list) -> None:
        super().__init__()
        self.chunk, self.action_dim = cfg.chunk, cfg.action_dim
        self.roles = ['pooled' if len(s.shape) == 1 else ('read' if s.name == 'image_tokens' else 'flat') for s in features]
        width = sum(int(s.shape[0]) for s, r in zip(features, self.roles) if r == 'pooled')
        self.norm = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, cfg.head_hidden), nn.GELU(),
                                 nn.Linear(cfg.head_hidden, cfg.head_hidden), nn.GELU(),
                                 nn.Linear(cfg.head_hidden, cfg.chunk * cfg.action_dim))
        self.extras = nn.ModuleList()
        for s, role in zip(features, self.roles):
            if role == 'flat':
                flat = int(s.shape[0]) * int(s.shape[1])
                proj = nn.Linear(flat, cfg.head_hidden)
                nn.init.zeros_(proj.weight)
                nn.init.zeros_(proj.bias)
                self.extras.append(nn.Sequential(nn.LayerNorm(flat), proj))
            elif role == 'read':
                self.extras.append(TokenRead(width, int(s.shape[1]), cfg.heads, cfg.head_queries, cfg.head_hidden))
        self.inputs = list(features)
        self.outputs = [TensorSpec('actions', 'float32', [cfg.chunk, cfg.action_dim])]

    def forward(self, *features: torch.Tensor) -> torch.Tensor:
        pooled = self.norm(torch.cat([f for f, r in zip(features, self.roles) if r == 'pooled'], dim=-1))
        h = self.mlp[0](pooled)
        extras = iter(self.extras)
        for f, role in zip(features, self.roles):
            if role == 'flat':
                h = h + next(extras)(f.reshape(f.shape[0], -1))
            elif role == 'read':
                h = h + next(extras)(pooled, f)
        h = self.mlp[1:](h)
        return h.reshape(h.shape[0], self.chunk, self.action_dim)


class DenoiserHead(Graph):
    """Iterative head: features + `noisy_actions` [B, k, A] + `time` [B] -> [B, k, A], the velocity
    (`flow`, time in [0, 1)) or the predicted noise (`ddim`, time = training timestep index)."""

    def __init__(self, cfg: PolicyConfig, features: list, kind: str) -> None:
        super().__init__()
        if kind not in ('flow', 'ddim'):
            raise ValueError(f'DenoiserHead: kind must be flow or ddim, got {kind!r}')
        self.chunk, self.action_dim, self.time_dim = cfg.chunk, cfg.action_dim, cfg.time_dim
        # flow time lives in [0, 1): stretch it to the range the sinusoid resolves
        self.time_scale = 1000.0 if kind == 'flow' else 1.0
        width = sum(int(s.shape[0]) for s in features)
        self.norm = nn.LayerNorm(width)
        self.time_mlp = MLP(cfg.time_dim, cfg.head_hidden, cfg.head_hidden)
        self.cond = nn.Linear(width, cfg.head_hidden)
        self.inp = nn.Linear(cfg.chunk * cfg.action_dim, cfg.head_hidden)
        self.mlp = nn.Sequential(nn.GELU(), nn.Linear(cfg.head_hidden, cfg.head_hidden), nn.GELU(),
                                 nn.Linear(cfg.head_hidden, cfg.chunk * cfg.action_dim))
        self.inputs = list(features) + [
            TensorSpec('noisy_actions', 'float32', [cfg.chunk, cfg.action_dim]),
            TensorSpec('time', 'float32', []),
        ]
        self.outputs = [TensorSpec('actions', 'float32', [cfg.chunk, cfg.action_dim])]

    def forward(self, *args: torch.Tensor) -> torch.Tensor:
        features, noisy, time = args[:-2], args[-2], args[-1]
        b = noisy.shape[0]
        h = (self.cond(self.norm(torch.cat(features, dim=-1)))
             + self.inp(noisy.reshape(b, self.chunk * self.action_dim))
             + self.time_mlp(sinusoidal(time * self.time_scale, self.time_dim)))
        return self.mlp(h).reshape(b, self.chunk, self.action_dim)


# ----------------------------------------------------------------------------------------------
# the policy


class Policy(nn.Module):
    """encoder -> memory (absent for 'none') -> head, plus the manifest's memory and head specs."""

    def __init__(self, cfg: PolicyConfig) -> None:
        super().__init__()
        self.cfg = cfg
        if cfg.memory == 'none':
            self.encoder: Graph = MemorylessEncoder(cfg)
            self.memory: Optional[Graph] = None
            features = [TensorSpec('context', 'float32', [cfg.dim])]
        elif cfg.memory == 'hamlet':
            self.encoder = HamletEncoder(cfg)
            self.memory = HamletMemory(cfg)
            features = [TensorSpec('context', 'float32', [cfg.dim]), TensorSpec('memory', 'float32', [cfg.dim])]
        elif cfg.memory == 'memoryvla':
            if cfg.write not in ('fused', 'raw'):
                raise ValueError(f"PolicyConfig.write must be 'fused' or 'raw', got {cfg.write!r}")
            self.encoder = MemoryVLAEncoder(cfg)
            self.memory = MemoryVLAMemory(cfg)
            features = [TensorSpec('context', 'float32', [cfg.dim]), TensorSpec('memory', 'float32', [cfg.dim])]
            unknown = set(cfg.head_extras) - {'perceptual_fused', 'image_tokens'}
            if unknown:
                raise ValueError(f"PolicyConfig.head_extras: unknown {sorted(unknown)} (known: 'perceptual_fused', 'image_tokens')")
            if cfg.head_extras and cfg.head != 'direct':
                raise ValueError(f"PolicyConfig.head_extras needs head 'direct', got {cfg.head!r}")
            if 'perceptual_fused' in cfg.head_extras:
                features.append(TensorSpec('perceptual_fused', 'float32', [cfg.perceptual_tokens, cfg.perceptual_dim]))
            if 'image_tokens' in cfg.head_extras:
                features.append(TensorSpec('image_tokens', 'float32', [self.encoder.image_tokens, cfg.dim]))
        else:
            raise ValueError(f"PolicyConfig.memory must be 'none', 'hamlet' or 'memoryvla', got {cfg.memory!r}")
        if cfg.head_extras and cfg.memory != 'memoryvla':
            raise ValueError(f'PolicyConfig.head_extras is for memoryvla policies, this one is {cfg.memory!r}')
        if cfg.head == 'direct':
            self.head: Graph = DirectHead(cfg, features)
        else:
            self.head = DenoiserHead(cfg, features, cfg.head)

    def graphs(self) -> dict:
        roles = {'encoder': self.encoder}
        if self.memory is not None:
            roles['memory'] = self.memory
        roles['head'] = self.head
        return roles

    def memory_spec(self) -> dict:
        cfg = self.cfg
        if cfg.memory == 'none':
            return {'kind': 'none'}
        if cfg.memory == 'hamlet':
            return {'kind': 'hamlet', 'tokens': cfg.moment_tokens, 'dim': cfg.dim, 'window': cfg.window}
        return {
            'kind': 'memoryvla', 'capacity': cfg.capacity, 'write': cfg.write,
            'streams': [{'name': name, 'tokens': n, 'dim': d} for name, n, d in self.memory.streams],
        }

    def head_spec(self) -> dict:
        cfg = self.cfg
        if cfg.head == 'direct':
            return {'kind': 'direct'}
        if cfg.head == 'flow':
            return {'kind': 'flow', 'steps': cfg.steps}
        return {'kind': 'ddim', 'steps': cfg.steps, 'train_steps': cfg.train_steps,
                'beta_start': cfg.beta_start, 'beta_end': cfg.beta_end}


def build_policy(cfg: PolicyConfig) -> Policy:
    return Policy(cfg)
