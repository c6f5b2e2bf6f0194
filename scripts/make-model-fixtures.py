#!/usr/bin/env python3
"""Writes the model-scanner test corpus into packages/assurance/src/scan-model/fixtures/.

Standard library only (no numpy, torch, onnx, h5py or keras): every file is built from pickle,
struct, zipfile and json, with stand-in modules registered in sys.modules where a real library
would be imported (the pickler only needs the names). The files are never loaded by anything
here: the malicious ones would run `echo`, `id` and similar harmless commands if they were.

fixtures/expected.json lists each file with its category (malicious, suspicious, benign,
malformed), the highest severity the scanner must report, and whether it must parse.

Run:  python3 scripts/make-model-fixtures.py   (deterministic: same bytes every run)
"""
import base64
import gzip
import io
import json
import os
import pickle
import random
import shutil
import struct
import subprocess
import sys
import types
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "packages/assurance/src/scan-model/fixtures"
MANIFEST = []


def entry(name, category, expect, parsed=True, note=""):
    MANIFEST.append({"file": name, "category": category, "expect": expect, "parsed": parsed, "note": note})


def write(name, data, category, expect, parsed=True, note=""):
    path = ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    entry(name, category, expect, parsed, note)


# --- stand-in modules: the pickler records module and qualified names, nothing else ---------

def fake_module(name, **members):
    module = types.ModuleType(name)
    for key, value in members.items():
        if isinstance(value, type) or callable(value):
            value.__module__ = name
            value.__qualname__ = key
        setattr(module, key, value)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


def _rebuild_tensor_v2(*args):
    raise RuntimeError("stand-in")


class FloatStorage:
    pass


class dtype:  # noqa: N801 - numpy's name
    def __init__(self, typestr):
        self.typestr = typestr

    def __reduce__(self):
        return (dtype, (self.typestr, False, True), (3, "<", None, None, None, -1, -1, 0))


class ndarray:  # noqa: N801
    pass


def _reconstruct(*args):
    raise RuntimeError("stand-in")


class NumpyArrayWrapper:
    pass


class Linear:
    pass


class LinearRegression:
    pass


def requests_get(*args):
    raise RuntimeError("stand-in")


def torch_load(*args):
    raise RuntimeError("stand-in")


fake_module("torch", FloatStorage=FloatStorage, load=torch_load)
fake_module("torch._utils", _rebuild_tensor_v2=_rebuild_tensor_v2)
fake_module("torch.nn")
fake_module("torch.nn.modules")
fake_module("torch.nn.modules.linear", Linear=Linear)
fake_module("numpy", dtype=dtype, ndarray=ndarray)
fake_module("numpy.core")
fake_module("numpy.core.multiarray", _reconstruct=_reconstruct)
fake_module("joblib")
fake_module("joblib.numpy_pickle", NumpyArrayWrapper=NumpyArrayWrapper)
fake_module("requests", get=requests_get)
fake_module("sklearn")
fake_module("sklearn.linear_model")
fake_module("sklearn.linear_model._base", LinearRegression=LinearRegression)


class Reduce:
    """An object whose pickle calls `func(*args)` on load."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


class Storage:
    """A tensor storage: saved as a PyTorch persistent id, as torch.save does."""

    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


def tensor(key, shape):
    numel = 1
    for d in shape:
        numel *= d
    stride = tuple(int(x) for x in _strides(shape))
    from collections import OrderedDict

    return Reduce(_rebuild_tensor_v2, Storage(key, numel), 0, tuple(shape), stride, False, OrderedDict())


def _strides(shape):
    out, acc = [], 1
    for d in reversed(shape):
        out.append(acc)
        acc *= d
    return list(reversed(out))


def torch_pickle(obj, protocol=2):
    buffer = io.BytesIO()
    TorchPickler(buffer, protocol=protocol).dump(obj)
    return buffer.getvalue()


def state_dict(extra=None):
    from collections import OrderedDict

    sd = OrderedDict()
    sd["linear.weight"] = tensor("0", (2, 3))
    sd["linear.bias"] = tensor("1", (2,))
    if extra is not None:
        sd["_extra"] = extra
    return sd


def zip_bytes(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)
    return buffer.getvalue()


def unicode_path_zip(header_name, unicode_name, data):
    """A member whose Info-ZIP Unicode Path extra field (0x7075) names something else."""
    import zlib

    raw = header_name.encode()
    payload = b"\x01" + struct.pack("<I", zlib.crc32(raw)) + unicode_name.encode()
    info = zipfile.ZipInfo(header_name, date_time=(2024, 1, 1, 0, 0, 0))
    info.extra = struct.pack("<HH", 0x7075, len(payload)) + payload
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data)
    return buffer.getvalue()


def torch_zip(prefix, data_pkl, extra=()):
    floats = struct.pack("<6f", *range(6)) + struct.pack("<2f", 0.5, 1.5)
    members = [
        (f"{prefix}/data.pkl", data_pkl),
        (f"{prefix}/byteorder", b"little"),
        (f"{prefix}/data/0", floats[:24]),
        (f"{prefix}/data/1", floats[24:]),
        (f"{prefix}/version", b"3\n"),
    ]
    return zip_bytes(members + list(extra))


EVIL = Reduce(os.system, "echo pwned")


def sbu(text):
    """SHORT_BINUNICODE."""
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


def frame(body):
    return b"\x95" + struct.pack("<Q", len(body)) + body


def every_opcode():
    """One valid stream that uses every opcode pickletools knows (asserted below)."""
    q = struct.pack
    od = b"ccollections\nOrderedDict\n"
    body = (
        b"(I1\nI01\nJ" + q("<i", -7) + b"K\x05M" + q("<H", 300) + b"L5L\n\x8a\x01\x05\x8b" + q("<i", 1) + b"\x05"
        + b"S'a'\nT" + q("<i", 1) + b"aU\x01aB" + q("<I", 1) + b"bC\x01b\x8e" + q("<Q", 1) + b"b\x96" + q("<Q", 1) + b"b"
        + b"N\x88\x89Vu\n\x8c\x01uX" + q("<I", 1) + b"u\x8d" + q("<Q", 1) + b"uF1.5\nG" + q(">d", 2.5) + b"t"
        + b"p0\n0]q\x01(K\x01K\x02eK\x03ar" + q("<I", 2) + b"0(K\x01l0)0K\x01\x850K\x01K\x02\x860K\x01K\x02K\x03\x870"
        + b"}\x94X\x01\x00\x00\x00aK\x01s(X\x01\x00\x00\x00bK\x02u0(X\x01\x00\x00\x00aK\x01d0"
        + b"\x8f(K\x01\x900(K\x01\x910K\x01200(K\x011"
        + b"g0\n0h\x01\x30j" + q("<I", 2) + b"0\x82\x010\x83\x01\x000\x84" + q("<i", 1) + b"0"
        + od + b")R0" + sbu("collections") + sbu("OrderedDict") + b"\x93)\x810" + sbu("collections") + sbu("OrderedDict") + b"\x93)}\x920"
        + b"(icollections\nOrderedDict\n0(" + od + b"o0" + od + b")R}b0Pfoo\n0X\x03\x00\x00\x00fooQ0\x97\x980N."
    )
    data = b"\x80\x05" + frame(body)
    import pickletools

    used = {op.name for op, _, _ in pickletools.genops(data)}
    missing = {op.name for op in pickletools.opcodes} - used
    assert not missing, f"every-opcode fixture misses {missing}"
    pickletools.dis(data, out=io.StringIO())
    return data


def pickles():
    # __reduce__ payloads at every protocol.
    for protocol in range(6):
        write(f"pickle/os-system-p{protocol}.pkl", pickle.dumps({"weights": [1.0, 2.0], "x": EVIL}, protocol=protocol), "malicious", "critical", note="os.system via __reduce__")
    payloads = [
        ("eval-p2", Reduce(eval, "__import__('os').system('id')"), 2),
        ("exec-p4", Reduce(exec, "import os; os.system('id')"), 4),
        ("compile-p3", Reduce(compile, "1", "<x>", "eval"), 3),
        ("subprocess-popen-p3", Reduce(subprocess.Popen, ["id"]), 3),
        ("subprocess-check-output-p5", Reduce(subprocess.check_output, ["id"]), 5),
        ("socket-p2", Reduce(__import__("socket").create_connection, ("127.0.0.1", 4444)), 2),
        ("shutil-rmtree-p3", Reduce(shutil.rmtree, "/tmp/nothing-here"), 3),
        ("webbrowser-p1", Reduce(__import__("webbrowser").open, "http://127.0.0.1/"), 1),
        ("runpy-p4", Reduce(__import__("runpy").run_path, "/tmp/x.py"), 4),
        ("importlib-p4", Reduce(__import__("importlib").import_module, "os"), 4),
        ("open-write-p4", Reduce(open, "/tmp/owned", "w"), 4),
        ("sys-exit-p2", Reduce(sys.exit, 1), 2),
        ("requests-get-p4", Reduce(requests_get, "http://127.0.0.1/x"), 4),
        ("urllib-urlopen-p3", Reduce(__import__("urllib.request").request.urlopen, "http://127.0.0.1/"), 3),
        ("torch-load-p2", Reduce(torch_load, "/tmp/other.pt"), 2),
        ("pty-spawn-p0", Reduce(__import__("pty").spawn, "/bin/sh"), 0),
        ("functools-partial-p4", Reduce(__import__("functools").partial(os.system, "id")), 4),
    ]
    for name, payload, protocol in payloads:
        try:
            data = pickle.dumps(payload, protocol=protocol)
        except Exception:
            data = None
        if data is None:
            continue
        expect = "high" if name.startswith(("requests", "urllib", "torch-load", "open-write")) else "critical"
        write(f"pickle/{name}.pkl", data, "malicious", expect)

    # Hand-assembled opcode streams.
    hand = [
        ("global-p0.pkl", b"cos\nsystem\n(S'id'\ntR.", "critical", "GLOBAL, protocol 0"),
        ("py2-builtin-eval.pkl", b"c__builtin__\neval\n(S'1+1'\ntR.", "critical", "Python 2 module name"),
        ("stack-global-p4.pkl", b"\x80\x04" + frame(sbu("os") + b"\x94" + sbu("system") + b"\x94\x93\x94" + sbu("id") + b"\x94\x85\x94R\x94."), "critical", "STACK_GLOBAL with FRAME and MEMOIZE"),
        ("inst.pkl", b"(S'id'\nios\nsystem\n.", "critical", "INST"),
        ("obj.pkl", b"(cos\nsystem\nS'id'\no.", "critical", "OBJ"),
        ("newobj.pkl", b"\x80\x02csubprocess\nPopen\n]X\x02\x00\x00\x00ida\x85\x81.", "critical", "NEWOBJ"),
        ("newobj-ex.pkl", b"\x80\x04\x8c\nsubprocess\x8c\x05Popen\x93]\x8c\x02ida\x85}\x92.", "critical", "NEWOBJ_EX"),
        ("memo-indirection.pkl", b"\x80\x04](" + sbu("os") + b"\x94" + sbu("xyz") + b"\x94" + sbu("system") + b"\x94e0h\x00h\x02\x93" + sbu("id") + b"\x85R.", "critical", "module and name read back from the memo"),
        ("memo-text-put-get.pkl", b"\x80\x02Vos\np7\n0Vsystem\np9\n0g7\ng9\n\x93(S'id'\ntR.", "critical", "PUT/GET text memo feeding STACK_GLOBAL"),
        ("memo-long-binget.pkl", b"\x80\x04\x8c\x02osr\xe8\x03\x00\x000\x8c\x06systemr\xe9\x03\x00\x000j\xe8\x03\x00\x00j\xe9\x03\x00\x00\x93N\x85R.", "critical", "LONG_BINPUT/LONG_BINGET"),
        ("unicode-escape-stack-global.pkl", b"\x80\x02Vo\\u0073\nVsyst\\u0065m\n\x93(S'id'\ntR.", "critical", "names spelled with raw-unicode-escape"),
        ("obfuscated-stack-global.pkl", b"\x80\x04\x8c\x08builtins\x8c\x03str\x93\x8c\x02os\x85R\x8c\x06system\x93\x8c\x02id\x85R.", "high", "STACK_GLOBAL module computed by a call"),
        ("dunder-traversal.pkl", b"\x80\x04" + sbu("collections") + sbu("OrderedDict.__init__.__globals__") + b"\x93.", "high", "dotted name walking __globals__"),
        ("build-on-global.pkl", b"\x80\x02ccollections\nOrderedDict\n}X\x08\x00\x00\x00__call__cos\nsystem\nsb.", "critical", "BUILD on a class, setting os.system"),
        ("build-on-global-only.pkl", b"\x80\x02ccollections\nOrderedDict\n}X\x07\x00\x00\x00__doc__X\x01\x00\x00\x00xsb.", "high", "BUILD on an imported class"),
        ("getattr-chain.pkl", b"\x80\x02cbuiltins\ngetattr\ncbuiltins\n__import__\nX\x02\x00\x00\x00os\x85RX\x06\x00\x00\x00system\x86RX\x02\x00\x00\x00id\x85R.", "critical", "getattr(__import__('os'), 'system')('id')"),
        ("marshal-function.pkl", b"\x80\x02ctypes\nFunctionType\ncmarshal\nloads\nC\x04abcd\x85R}\x86R)R.", "critical", "types.FunctionType(marshal.loads(...))"),
        ("ctypes.pkl", b"\x80\x02cctypes\nCDLL\nX\x09\x00\x00\x00libc.so.6\x85R.", "critical", "ctypes"),
        ("sys-modules.pkl", b"csys\nmodules\n.", "critical", "imported, never called"),
        ("operator-attrgetter.pkl", b"\x80\x02coperator\nattrgetter\nX\x06\x00\x00\x00system\x85Rcbuiltins\n__import__\nX\x02\x00\x00\x00os\x85R\x85R.", "critical", "attrgetter('system')(__import__('os'))"),
        ("attrgetter-only.pkl", b"\x80\x02coperator\nattrgetter\nX\x06\x00\x00\x00system\x85R.", "high", "operator.attrgetter alone"),
        ("asyncio.pkl", b"\x80\x04\x8c\x07asyncio\x8c\x03run\x93N\x85R.", "high", "asyncio"),
        ("ext-code.pkl", b"\x80\x02\x82\x01X\x02\x00\x00\x00id\x85R.", "medium", "EXT1 through the copyreg registry"),
        ("unknown-class.pkl", pickle.dumps(Reduce(LinearRegression), protocol=4), "medium", "an unknown library class"),
        ("main-class.pkl", b"\x80\x04\x8c\x08__main__\x8c\x05Model\x93)\x81}b.", "medium", "a __main__ class"),
    ]
    malicious_cutoff = {"medium"}
    for name, data, expect, note in hand:
        category = "suspicious" if expect in malicious_cutoff else "malicious"
        write(f"pickle/{name}", data, category, expect, note=note)

    write("pickle/every-opcode.pkl", every_opcode(), "suspicious", "medium", note="all 68 opcodes of protocols 0-5 (EXT codes make it medium)")

    # Nested pickles.
    inner = pickle.dumps(EVIL, protocol=2)
    write("pickle/nested-loads.pkl", pickle.dumps(Reduce(pickle.loads, inner), protocol=4), "malicious", "critical", note="pickle.loads(bytes)")
    write("pickle/nested-loads-p2.pkl", pickle.dumps(Reduce(pickle.loads, inner), protocol=2), "malicious", "critical", note="bytes via _codecs.encode")
    b64 = base64.b64encode(inner)
    nested_b64 = b"\x80\x04\x8c\x07_pickle\x8c\x05loads\x93\x8c\x06base64\x8c\tb64decode\x93\x8c" + bytes([len(b64)]) + b64 + b"\x85R\x85R."
    write("pickle/nested-base64.pkl", nested_b64, "malicious", "critical", note="pickle.loads(base64.b64decode(...))")
    write("pickle/nested-hidden-bytes.pkl", pickle.dumps({"blob": inner, "note": "data"}, protocol=4), "malicious", "critical", note="a pickle hidden in bytes, not loaded here")
    two = pickle.dumps({"ok": 1}, protocol=2) + pickle.dumps(EVIL, protocol=2)
    write("pickle/concatenated.pkl", two, "malicious", "critical", note="second pickle of two")

    # Benign pickles.
    from collections import OrderedDict

    benign = {"a": [1, 2.5, "x", b"yy", None, True, (1, 2)], "s": {1, 2}, "f": frozenset([3]), "big": 10**40, "neg": -5, "u": "\u00fc\u4e2d", "o": OrderedDict(a=1)}
    for protocol in range(6):
        write(f"pickle/benign-p{protocol}.pkl", pickle.dumps(benign, protocol=protocol), "benign", "none")
    write("pickle/torch-state-dict.pkl", torch_pickle(state_dict()), "benign", "none", note="torch-style persistent ids")
    array = Reduce(_reconstruct, ndarray, (0,), b"b")
    write("pickle/numpy-like-p2.pkl", pickle.dumps({"arr": array, "dt": dtype("f8"), "raw": b"\x80\x03\x00\xff"}, protocol=2), "benign", "none", note="_codecs.encode bytes")
    write("pickle/full-model.pkl", pickle.dumps(Reduce(Linear), protocol=2), "benign", "low", note="a torch.nn module class")
    write("pickle/persistent-id.pkl", b"\x80\x02X\x03\x00\x00\x00keyQ.", "benign", "info", note="a non-torch persistent id")

    # Truncated and garbage streams.
    write("malformed/truncated-malicious.pkl", pickle.dumps(EVIL, protocol=2)[:-3], "malicious", "critical", parsed=False, note="cut before STOP: import already seen")
    write("malformed/truncated-benign.pkl", pickle.dumps(benign, protocol=4)[:40], "malformed", "medium", parsed=False)
    write("malformed/unknown-opcode.pkl", b"\x80\x02}\xff.", "malformed", "medium", parsed=False)
    write("malformed/empty.pkl", b"", "malformed", "medium", parsed=False)
    write("malformed/stack-underflow.pkl", b"\x80\x02R.", "malformed", "medium", parsed=False)
    write("malformed/huge-length.pkl", b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f.", "malformed", "medium", parsed=False)
    write("malformed/bad-proto.pkl", b"\x80\x09N.", "malformed", "medium", parsed=False)
    write("malformed/deep-marks.pkl", b"\x80\x02" + b"(" * 50000, "malformed", "medium", parsed=False)
    write("malformed/no-newline.pkl", b"cos\nsyst", "malformed", "medium", parsed=False, note="GLOBAL name cut off: nothing resolved (CPython fails too)")
    rng = random.Random(4)
    write("malformed/garbage.pkl", bytes(rng.randrange(256) for _ in range(2048)), "malformed", "medium", parsed=False)
    write("malformed/random.dat", bytes(rng.randrange(256) for _ in range(512)), "malformed", "info", parsed=False, note="named explicitly: unknown format")


def torch_files():
    write("torch/standard.pt", torch_zip("archive", torch_pickle(state_dict())), "benign", "none")
    write("torch/renamed-folder.pt", torch_zip("my_model", torch_pickle(state_dict(EVIL))), "malicious", "critical", note="archive folder renamed")
    benign = torch_pickle(state_dict())
    evil = torch_pickle(state_dict(EVIL))
    write("torch/dotdot-entry.pt", torch_zip("archive", benign, [("../evil.pkl", evil)]), "malicious", "critical", note="../evil.pkl")
    write("torch/absolute-entry.pt", torch_zip("archive", benign, [("/tmp/evil.pkl", evil)]), "malicious", "critical")
    write("torch/backslash-entry.pt", torch_zip("archive", benign, [("archive\\..\\x.pkl", benign)]), "malicious", "high", note="backslashes in a member name")
    hidden = zip_bytes([("archive/data.pkl", benign), ("archive/data/0", evil), ("archive/version", b"3\n")])
    write("torch/hidden-storage-pickle.pt", hidden, "malicious", "critical", note="a storage member that is a pickle")
    dup = zip_bytes([("archive/data.pkl", benign), ("archive/data.pkl", evil)])
    write("torch/duplicate-entry.pt", dup, "malicious", "critical")
    write("torch/unicode-path-mismatch.pt", unicode_path_zip("archive/data.pkl", "archive/../evil.pkl", evil), "malicious", "critical", note="Info-ZIP Unicode path field disagrees with the header name")
    script = zip_bytes([("archive/data.pkl", benign), ("archive/constants.pkl", pickle.dumps((), protocol=2)), ("archive/code/__torch__/m.py", b"def forward(self):\n  return 1\n")])
    write("torch/torchscript.pt", script, "benign", "info")
    bomb = zip_bytes([("archive/data.pkl", benign), ("archive/data/0", b"\x00" * (12 << 20))], zipfile.ZIP_DEFLATED)
    write("torch/zip-bomb.pt", bomb, "suspicious", "medium", note="12 MiB of zeros in ~12 KB")
    write("torch/truncated.pt", torch_zip("archive", benign)[:200], "malformed", "medium", parsed=False)
    # Legacy (pre-1.6) torch.save: five pickles, then raw storage bytes.
    for name, sd, expect, category in (("legacy.pt", state_dict(), "none", "benign"), ("legacy-evil.pt", state_dict(EVIL), "critical", "malicious")):
        out = io.BytesIO()
        pickle.dump(0x1950A86A20F9469CFC6C, out, protocol=2)
        pickle.dump(1001, out, protocol=2)
        pickle.dump({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, out, protocol=2)
        TorchPickler(out, protocol=2).dump(sd)
        pickle.dump(["0", "1"], out, protocol=2)
        out.write(struct.pack("<q", 6) + struct.pack("<6f", *range(6)) + struct.pack("<q", 2) + b"\x80\x02\x00\x00\x00\x00\x00\x00")
        write(f"torch/{name}", out.getvalue(), category, expect)
    # Non-zip .bin that is a pickle, and one that is safetensors.
    write("torch/pytorch_model.bin", torch_pickle(state_dict(EVIL), protocol=4), "malicious", "critical", note=".bin holding a pickle")


def npy(dtype_descr, shape, payload, version=1):
    header = "{'descr': %s, 'fortran_order': False, 'shape': %s, }" % (dtype_descr, shape)
    size_field = 2 if version == 1 else 4
    total = 6 + 2 + size_field + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    length = struct.pack("<H" if version == 1 else "<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode("latin1") + payload


def numpy_files():
    write("numpy/float32.npy", npy("'<f4'", "(3,)", struct.pack("<3f", 1, 2, 3)), "benign", "none")
    write("numpy/v2-int64.npy", npy("'<i8'", "(2, 2)", struct.pack("<4q", 1, 2, 3, 4), version=2), "benign", "none")
    obj_payload = pickle.dumps(Reduce(_reconstruct, ndarray, (0,), b"b", EVIL), protocol=3)
    write("numpy/object-evil.npy", npy("'|O'", "(1,)", obj_payload), "malicious", "critical", note="object array pickle")
    write("numpy/object-benign.npy", npy("'|O'", "(2,)", pickle.dumps(["a", "b"], protocol=3)), "benign", "low", note="object array: low by itself")
    write("numpy/structured-object.npy", npy("[('a', '<f4'), ('b', '|O')]", "(1,)", pickle.dumps(EVIL, protocol=3)), "malicious", "critical")
    write("numpy/short-data.npy", npy("'<f8'", "(10,)", b"\x00" * 16), "malformed", "medium")
    write("numpy/bad-header.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': __import", "malformed", "medium", parsed=False)
    npz = zip_bytes([("a.npy", npy("'<f4'", "(3,)", struct.pack("<3f", 1, 2, 3))), ("b.npy", npy("'|O'", "(1,)", obj_payload))])
    write("numpy/arrays.npz", npz, "malicious", "critical", note="npz with an object array")
    write("numpy/clean.npz", zip_bytes([("a.npy", npy("'<f4'", "(3,)", struct.pack("<3f", 1, 2, 3)))]), "benign", "none")


def joblib_stream(arrays, tail_payload=None, aligned=True, raw=None):
    """A joblib-style pickle: NumpyArrayWrapper objects followed inline by their array bytes."""

    class Wrapper:
        def __init__(self, shape, descr):
            self.shape, self.descr = shape, descr

    out = io.BytesIO()
    pending_raw = [raw]

    class JoblibPickler(pickle._Pickler):
        def save(self, obj, save_persistent_id=True):
            if isinstance(obj, Wrapper):
                state = {"subclass": ndarray, "shape": obj.shape, "order": "C", "dtype": dtype(obj.descr), "allow_mmap": False}
                if aligned:
                    state["numpy_array_alignment_bytes"] = 16
                wrapper = NumpyArrayWrapper.__new__(NumpyArrayWrapper)
                wrapper.__dict__.update(state)
                super().save(wrapper, save_persistent_id)
                if aligned:
                    pad = 16 - (out.tell() + 1) % 16
                    self.write(bytes([pad]) + b"\xff" * pad)
                count = 1
                for d in obj.shape:
                    count *= d
                first_raw = pending_raw[0]
                pending_raw[0] = None
                self.write(first_raw if first_raw is not None else struct.pack(f"<{count}d", *range(count)))
                return
            super().save(obj, save_persistent_id)

    value = {"coef": Wrapper((3,), "f8"), "intercept": Wrapper((1,), "f8")} if arrays else {}
    if tail_payload is not None:
        value["z_tail"] = tail_payload
    JoblibPickler(out, protocol=3).dump(value)
    return out.getvalue()


def joblib_files():
    write("joblib/model.joblib", joblib_stream(True), "benign", "none", note="arrays inline after NumpyArrayWrapper")
    write("joblib/evil-after-array.joblib", joblib_stream(True, EVIL), "malicious", "critical", note="payload after the inline arrays")
    write("joblib/unaligned.joblib", joblib_stream(True, aligned=False), "benign", "none", note="old joblib: no padding byte")
    shadow = pickle.dumps(EVIL, protocol=2)
    shadow = shadow + b"\x00" * (24 - len(shadow) % 24 if len(shadow) % 24 else 0)
    write("joblib/shadow-payload.joblib", joblib_stream(True, aligned=False, raw=shadow[:24]), "malicious", "critical", note="array bytes that plain pickle.load would run")
    write("joblib/compressed.joblib", gzip.compress(pickle.dumps(EVIL, protocol=4), mtime=0), "malicious", "critical", note="gzip-compressed joblib")


def safetensors(header, data, raw_header=None):
    text = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def safetensors_files():
    good = {"__metadata__": {"format": "pt"}, "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, "b": {"dtype": "I64", "shape": [1], "data_offsets": [16, 24]}}
    data = bytes(range(24))
    write("safetensors/good.safetensors", safetensors(good, data), "benign", "none")
    write("safetensors/good-as.bin", safetensors(good, data), "benign", "none", note="detected by content, not extension")
    overlap = {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}
    write("safetensors/overlap.safetensors", safetensors(overlap, bytes(16)), "malicious", "high")
    out_of_range = {"a": {"dtype": "F32", "shape": [100], "data_offsets": [0, 400]}}
    write("safetensors/out-of-range.safetensors", safetensors(out_of_range, bytes(16)), "malicious", "high")
    bad_dtype = {"a": {"dtype": "F128", "shape": [1], "data_offsets": [0, 16]}}
    write("safetensors/bad-dtype.safetensors", safetensors(bad_dtype, bytes(16)), "malformed", "medium")
    mismatch = {"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}
    write("safetensors/shape-mismatch.safetensors", safetensors(mismatch, bytes(16)), "malformed", "medium")
    hole = {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}}
    write("safetensors/hole.safetensors", safetensors(hole, b"\x00" * 8 + b"HIDDEN!!" + b"\x00" * 8), "suspicious", "medium")
    dup = b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
    write("safetensors/duplicate-key.safetensors", safetensors(None, bytes(4), raw_header=dup), "malicious", "high")
    write("safetensors/bad-metadata.safetensors", safetensors({"__metadata__": {"n": 1}, **{"a": good["a"]}}, bytes(16)), "malformed", "low")
    write("safetensors/bad-json.safetensors", safetensors(None, bytes(4), raw_header=b'{"a": {"dtype": "F32",'), "malformed", "medium", parsed=False)
    write("safetensors/huge-header.safetensors", struct.pack("<Q", 1 << 40) + b'{"a":1}', "malformed", "medium", parsed=False)
    write("safetensors/not-object.safetensors", safetensors(None, b"", raw_header=b"[1,2]"), "malformed", "medium", parsed=False)
    lfs = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 497764120\n"
    write("safetensors/lfs-pointer.safetensors", lfs, "malformed", "info", parsed=False, note="Git LFS pointer")


# --- ONNX (protobuf wire format by hand) --------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, payload):
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    return varint((number << 3) | 2) + varint(len(payload)) + payload


def onnx_tensor(name, location=None, raw=None):
    out = field(1, 2) + field(2, 1) + field(8, name)
    if raw is not None:
        out += field(9, raw)
    if location is not None:
        out += field(13, field(1, "location") + field(2, location))
        out += field(13, field(1, "offset") + field(2, "0"))
        out += field(13, field(1, "length") + field(2, "8"))
        out += field(14, 1)
    return out


def onnx_model(initializers=(), nodes=()):
    graph = b"".join(field(1, n) for n in nodes) + field(2, "g") + b"".join(field(5, t) for t in initializers)
    return field(1, 8) + field(2, "fixture") + field(7, graph) + field(8, field(1, "") + field(2, 17))


def onnx_files():
    (ROOT / "onnx").mkdir(parents=True, exist_ok=True)
    (ROOT / "onnx/weights.bin").write_bytes(struct.pack("<2f", 1, 2))
    write("onnx/external-ok.onnx", onnx_model([onnx_tensor("w", "weights.bin")]), "benign", "none")
    write("onnx/inline.onnx", onnx_model([onnx_tensor("w", raw=struct.pack("<2f", 1, 2))], [field(4, "Relu") + field(1, "w") + field(2, "y")]), "benign", "none")
    write("onnx/escape-dotdot.onnx", onnx_model([onnx_tensor("w", "../../../../etc/passwd")]), "malicious", "high")
    write("onnx/escape-absolute.onnx", onnx_model([onnx_tensor("w", "/etc/passwd")]), "malicious", "high")
    write("onnx/missing-external.onnx", onnx_model([onnx_tensor("w", "nope.bin")]), "malformed", "medium")
    subgraph = field(2, "then") + field(5, onnx_tensor("t", "sub/../../secret"))
    if_node = field(4, "If") + field(5, field(1, "then_branch") + field(20, 5) + field(6, subgraph))
    write("onnx/escape-in-subgraph.onnx", onnx_model([], [if_node]), "malicious", "high", note="external data in an If branch")
    custom = field(4, "MyOp") + field(7, "com.example.custom")
    write("onnx/custom-domain.onnx", onnx_model([], [custom]), "suspicious", "low")
    write("onnx/truncated.onnx", onnx_model([onnx_tensor("w", "weights.bin")])[:-7], "malformed", "medium", parsed=False)


# --- Keras ----------------------------------------------------------------------------------

LAMBDA_CODE = base64.b64encode(b"\xe3" + b"\x00" * 40).decode()


def keras_config(layers):
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "layers": layers}, "registered_name": None}


DENSE = {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "relu"}}, "registered_name": None}


def keras_zip(config):
    meta = json.dumps({"keras_version": "3.3.3", "date_saved": "2024-01-01@00:00:00"})
    return zip_bytes([("metadata.json", meta), ("config.json", json.dumps(config)), ("model.weights.h5", b"\x89HDF\r\n\x1a\n" + b"\x00" * 56)])


def h5(config_json):
    # Not real HDF5 (no h5py here): the signature, some header-like bytes, and the model_config
    # attribute's JSON stored contiguously, as HDF5 stores a string attribute.
    body = b"\x89HDF\r\n\x1a\n" + b"\x00\x08\x08\x00\x04\x00\x10\x00" + b"\x00" * 80
    if config_json is not None:
        body += b"model_config\x00\x00\x00\x00" + config_json.encode()
    return body + b"\x00" * 64


def keras_files():
    lambda3 = {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "lam", "function": {"class_name": "__lambda__", "config": {"code": LAMBDA_CODE, "defaults": None, "closure": None}}}, "registered_name": None}
    write("keras/lambda.keras", keras_zip(keras_config([DENSE, lambda3])), "malicious", "high")
    write("keras/benign.keras", keras_zip(keras_config([DENSE])), "benign", "none")
    os_fn = {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1, "activation": {"module": "os", "class_name": "function", "config": "system", "registered_name": None}}}
    write("keras/os-function.keras", keras_zip(keras_config([os_fn])), "malicious", "critical", note="module os, function system")
    custom = {"module": "my_package.layers", "class_name": "Custom", "config": {"name": "c"}, "registered_name": "my_package>Custom"}
    write("keras/custom-object.keras", keras_zip(keras_config([custom])), "suspicious", "medium")
    legacy_lambda = {"class_name": "Lambda", "config": {"name": "lambda", "function": [LAMBDA_CODE, None, None], "function_type": "lambda", "module": "__main__"}}
    legacy = json.dumps({"class_name": "Sequential", "config": {"name": "sequential", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 1}}, legacy_lambda]}})
    write("keras/lambda.h5", h5(legacy), "malicious", "high", note="HDF5 signature plus the model_config JSON (not full HDF5)")
    benign = json.dumps({"class_name": "Sequential", "config": {"name": "sequential", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 1}}]}})
    write("keras/benign.h5", h5(benign), "benign", "none")
    write("keras/weights-only.h5", h5(None), "benign", "info")
    write("keras/bad-config.keras", zip_bytes([("metadata.json", "{}"), ("config.json", "{not json")]), "malformed", "medium", parsed=False)


# --- GGUF -----------------------------------------------------------------------------------

def gguf_string(text):
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def gguf(kvs, tensors, data=b"", version=3, alignment=32):
    out = b"GGUF" + struct.pack("<I", version) + struct.pack("<QQ", len(tensors), len(kvs))
    for key, vtype, payload in kvs:
        out += gguf_string(key) + struct.pack("<I", vtype) + payload
    for name, dims, ggml_type, offset in tensors:
        out += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", ggml_type, offset)
    out += b"\x00" * ((alignment - len(out) % alignment) % alignment)
    return out + data


def gguf_files():
    base_kvs = [
        ("general.architecture", 8, gguf_string("llama")),
        ("general.alignment", 4, struct.pack("<I", 32)),
        ("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 2) + gguf_string("a") + gguf_string("b")),
        ("tokenizer.chat_template", 8, gguf_string("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}")),
    ]
    tensors = [("tok_embd", [4, 2], 0, 0), ("out", [32], 8, 32)]
    data = bytes(32) + bytes(34)
    write("gguf/good.gguf", gguf(base_kvs, tensors, data), "benign", "none")
    ssti = base_kvs[:3] + [("tokenizer.chat_template", 8, gguf_string("{{ ''.__class__.__mro__[1].__subclasses__()[40]('id') }}"))]
    write("gguf/chat-template-ssti.gguf", gguf(ssti, tensors, data), "malicious", "high", note="CVE-2024-34359 pattern")
    huge_string = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1 << 60) + b"general.name"
    write("gguf/huge-string.gguf", huge_string, "malicious", "high", parsed=False, note="string length past the file")
    huge_count = b"GGUF" + struct.pack("<IQQ", 3, 1 << 62, 1 << 62) + b"\x00" * 64
    write("gguf/huge-counts.gguf", huge_count, "malicious", "high", parsed=False)
    write("gguf/too-many-dims.gguf", gguf(base_kvs, [("t", [1, 1, 1, 1, 1], 0, 0)], bytes(32)), "malformed", "medium")
    write("gguf/unknown-type.gguf", gguf(base_kvs, [("t", [4], 99, 0)], bytes(32)), "malformed", "medium")
    write("gguf/out-of-range.gguf", gguf(base_kvs, [("t", [1024, 1024], 0, 0)], bytes(32)), "malicious", "high")
    write("gguf/bad-version.gguf", b"GGUF" + struct.pack("<I", 7) + b"\x00" * 32, "malformed", "medium", parsed=False)
    write("gguf/truncated.gguf", gguf(base_kvs, tensors, data)[:60], "malformed", "medium", parsed=False)


def main():
    warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate member we write on purpose
    if ROOT.exists():
        shutil.rmtree(ROOT)
    ROOT.mkdir(parents=True)
    pickles()
    torch_files()
    numpy_files()
    joblib_files()
    safetensors_files()
    onnx_files()
    keras_files()
    gguf_files()
    MANIFEST.sort(key=lambda e: e["file"])
    (ROOT / "expected.json").write_text(json.dumps({"generator": "scripts/make-model-fixtures.py", "fixtures": MANIFEST}, indent=1) + "\n")
    total = sum(p.stat().st_size for p in ROOT.rglob("*") if p.is_file())
    print(f"{len(MANIFEST)} fixtures, {total} bytes in {ROOT}")


if __name__ == "__main__":
    main()
