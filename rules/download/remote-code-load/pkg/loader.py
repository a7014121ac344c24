# ruleid: remote-code-load
import httpimport
