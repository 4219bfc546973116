"""Translations of logins on a shared deployment, page messages and load figures (prefix ``sec.``)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "sec.no_users": (
        "本服务器未配置工作人员账号：共享部署（已设置数据库地址，或监听本机以外的地址）不生成示例账号。"
        "管理员请用 `python -m geo.auth hash` 生成密码散列，写入 `.streamlit/secrets.toml` 的 "
        "`[auth.users.用户名]` 或环境变量 `QPA_USERS=用户名:散列:official`，然后重启（见 README）。",
        "No official accounts are configured on this server: a shared deployment (a database URL "
        "is set, or the server listens beyond this machine) gets no sample login. The "
        "administrator makes a password hash with `python -m geo.auth hash`, puts it in "
        "`.streamlit/secrets.toml` under `[auth.users.NAME]` or in `QPA_USERS=NAME:HASH:official`, "
        "and restarts (see README).",
    ),
    "sec.err.unexpected": (
        "出错了，操作未完成。请检查输入后重试；如仍出错，请联系管理员（服务器日志有详情）。",
        "Something went wrong and the action was not completed. Check the input and try again; "
        "if it persists, tell the administrator (details are in the server log).",
    ),
    "sec.err.structured": (
        "第 {row} 行的字段 {field} 不是规定的 JSON 格式（{why}），未导入；请修正该字段或不映射它",
        "Field {field} in row {row} is not the expected JSON ({why}); nothing was imported. "
        "Fix the field or leave it unmapped",
    ),
    "sec.err.locked": (
        "此客户端登录失败次数过多，请 {seconds} 秒后再试",
        "Too many failed logins from this client; try again in {seconds} s",
    ),
}
