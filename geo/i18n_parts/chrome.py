"""Streamlit's own texts that the app replaces (ui/chrome.py), and the app's own user names."""
TEXT = {
    "chrome.upload": ("上传文件", "Upload"),
    "chrome.upload_limit": ("每个文件不超过 {mb} MB", "At most {mb} MB per file"),
    # user names the app records for itself and for the sample login (geo.auth.who)
    "auth.who_system": ("系统", "system"),
    "auth.who_sample": ("示例官员（仅限本机）", "sample official (local use only)"),
}
