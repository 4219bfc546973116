"""Streamlit's own texts that the app replaces (ui/chrome.py)."""
TEXT = {
    "chrome.upload": ("上传文件", "Upload"),
    "chrome.upload_limit": ("每个文件不超过 {mb} MB", "At most {mb} MB per file"),
}
