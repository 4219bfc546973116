"""Texts of the store's failures and of elevation models kept in the store."""

TEXT: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- store failures
    "store.err.full": ("数据库存储空间已满（磁盘或数据库资源不足），本次未保存任何内容，已有数据未受影响；请联系管理员清理空间后重试。",
                       "The database is full (disk or database resources exhausted); nothing was "
                       "saved and the data already stored is unchanged. Ask the administrator to "
                       "free space, then try again."),
    "store.err.busy": ("数据库正忙（被其他写入长时间占用），本次未保存；请稍后重试。",
                       "The database is busy (held by another writer); nothing was saved. Try again shortly."),
    "store.err.database": ("数据库出错，本次未保存，已有数据未受影响：{detail}",
                           "Database error; nothing was saved and the data already stored is unchanged: {detail}"),
    "store.err.data": ("数据库拒绝了其中的某个值，本次未保存：{detail}",
                       "The database refused a value; nothing was saved: {detail}"),
    "store.err.nul": ("文本中含有空字符（NUL，0x00），无法保存；请删除该字符后重试。",
                      "The text contains a NUL (0x00) character and cannot be stored; remove it and try again."),
    # ---------------------------------------------------------------- elevation models
    "dem.err.no_version": ("没有第 {version} 版高程模型。", "There is no elevation model version {version}."),
    "dem.err.too_many_cells": ("该高程模型有 {rows:,} × {cols:,} 个像元（约 {gb:.1f} GB），超过本机可处理的上限 {limit_gb:.1f} GB；请裁剪到需要的范围或降低分辨率后再导入。",
                               "The elevation model has {rows:,} × {cols:,} cells (about {gb:.1f} GB), "
                               "more than this machine can handle ({limit_gb:.1f} GB); clip it to the "
                               "area needed or coarsen it, then import again."),
    "dem.err.write": ("高程模型无法写入本地缓存（{reason}），未作更改。",
                      "The elevation model could not be written to the local cache ({reason}); nothing changed."),
}
