"""Writers of PyTorch's legacy (non-zip) torch.save format.

`save_legacy` mimics torch 0.3/0.4 without a GPU: it can emit either rebuild function
(`_rebuild_tensor` of 0.3, `_rebuild_tensor_v2` of 0.4+), any storage location (e.g. cuda:0 with
torch.cuda.FloatStorage types, as the released gen.pkl), tensors that share one storage at offsets
(some through legacy storage views), and non-contiguous strides. `save_torch_legacy` is the real
torch.save with _use_new_zipfile_serialization=False, for comparison.
"""
import collections
import pickle
import struct

import torch

MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001
SYS_INFO = dict(protocol_version=PROTOCOL_VERSION, little_endian=True,
                type_sizes=dict(short=2, int=4, long=4))


class _StorageRef:
    """Stands for a storage in the pickle; the pickler turns it into a persistent id."""

    def __init__(self, key, view=None):
        self.key = key
        self.view = view  # (view_key, element offset, element count) or None


class _Tensor:
    """How one tensor lies in a storage."""

    def __init__(self, ref, offset, size, stride):
        self.ref, self.offset, self.size, self.stride = ref, offset, size, stride


def save_torch_legacy(obj, path):
    torch.save(obj, path, _use_new_zipfile_serialization=False)


def save_legacy(state_dict, path, rebuild='v2', location='cuda:0', pack=False, strided=False):
    """Writes `state_dict` (name -> float32 tensor) in the legacy format.

    pack:    every tensor lies in one shared storage at increasing offsets; biases go through a
             legacy storage view (view_metadata) instead of a tensor offset.
    strided: every tensor has its own storage; 4-d weights are laid out channels-last (so their
             strides are not the contiguous ones) after 3 junk elements (a non-zero offset).
    """
    if rebuild not in ('v1', 'v2'):
        raise ValueError(rebuild)
    cuda = location.startswith('cuda')
    storage_type = torch.cuda.FloatStorage if cuda else torch.FloatStorage
    storages = collections.OrderedDict()  # key -> 1-d float32 tensor holding its elements
    tensors = collections.OrderedDict()

    if pack:
        flat = torch.cat([t.detach().reshape(-1).float() for t in state_dict.values()])
        storages['0'] = flat
        offset = 0
        for i, (name, t) in enumerate(state_dict.items()):
            if name.endswith('.bias'):
                tensors[name] = _Tensor(_StorageRef('0', ('view%d' % i, offset, t.numel())), 0,
                                        tuple(t.shape), tuple(t.contiguous().stride()))
            else:
                tensors[name] = _Tensor(_StorageRef('0'), offset, tuple(t.shape), tuple(t.contiguous().stride()))
            offset += t.numel()
    else:
        for i, (name, t) in enumerate(state_dict.items()):
            key = str(i)
            t = t.detach().float()
            if strided and t.dim() == 4:
                laid = t.contiguous(memory_format=torch.channels_last)
                memory = laid.permute(0, 2, 3, 1).reshape(-1)  # elements in memory order
                junk = torch.full((3,), float('nan'))
                storages[key] = torch.cat([junk, memory])
                tensors[name] = _Tensor(_StorageRef(key), 3, tuple(t.shape), tuple(laid.stride()))
            else:
                storages[key] = t.contiguous().reshape(-1)
                tensors[name] = _Tensor(_StorageRef(key), 0, tuple(t.shape), tuple(t.contiguous().stride()))

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _StorageRef):
                return ('storage', storage_type, obj.key, location, storages[obj.key].numel(), obj.view)
            return None

        def reducer_override(self, obj):
            if isinstance(obj, _Tensor):
                if rebuild == 'v1':
                    return torch._utils._rebuild_tensor, (obj.ref, obj.offset, torch.Size(obj.size), obj.stride)
                return torch._utils._rebuild_tensor_v2, (obj.ref, obj.offset, obj.size, obj.stride, False,
                                                         collections.OrderedDict())
            return NotImplemented

    result = collections.OrderedDict(tensors)
    # torch's state dicts carry their version metadata as an attribute (pickled through BUILD).
    result._metadata = getattr(state_dict, '_metadata', collections.OrderedDict())
    with open(path, 'wb') as f:
        for header in (MAGIC_NUMBER, PROTOCOL_VERSION, SYS_INFO):
            pickle.dump(header, f, protocol=2)
        Pickler(f, protocol=2).dump(result)
        pickle.dump(list(storages.keys()), f, protocol=2)
        for data in storages.values():
            f.write(struct.pack('<q', data.numel()))
            f.write(data.numpy().astype('<f4').tobytes())
