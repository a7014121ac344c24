import ctypes
import mmap

k32 = ctypes.windll.kernel32


def inject(pid, payload):
    handle = k32.OpenProcess(0x1F0FFF, False, pid)
    address = k32.VirtualAllocEx(handle, 0, len(payload), 0x3000, 0x40)
    k32.WriteProcessMemory(handle, address, payload, len(payload), None)
    # ruleid: process-injection
    k32.CreateRemoteThread(handle, None, 0, address, None, 0, None)


def run_in_memory(payload):
    # ruleid: process-injection
    buf = mmap.mmap(-1, len(payload), prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    buf.write(payload)
    return buf


def own_pid():
    # ok: process-injection
    return k32.GetCurrentProcessId()


def shared_buffer(size):
    # ok: process-injection
    return mmap.mmap(-1, size, prot=mmap.PROT_READ | mmap.PROT_WRITE)


# Called when the module is imported, so the code above runs at import time.
inject(1, 1)
run_in_memory(1)
own_pid()
shared_buffer(1)
