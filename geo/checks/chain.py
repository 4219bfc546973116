"""Check 6: industry-chain adjacency (产业链上下游配套).

Placeholder until the chain graph lands: the check is UNKNOWN ("chain data
not yet available"), never PASS. The chain team replaces the body of
:func:`chain_check` (same signature, same :class:`CheckResult` shape:
upstream / downstream bases with distances as evidence).
"""
from __future__ import annotations

from shapely.geometry.base import BaseGeometry

from .config import CheckConfig, load_config
from .result import CheckResult

__all__ = ["chain_check"]


def chain_check(site: BaseGeometry, product: str | None, layers=None,
                config: CheckConfig | None = None) -> CheckResult:
    """Upstream suppliers and downstream customers of ``product`` near ``site``.

    Parameters
    ----------
    site : shapely geometry
        Lon/lat polygon.
    product : str or None
        The project's product or chain node.
    layers : ScreeningLayers, optional
    config : CheckConfig, optional

    Returns
    -------
    CheckResult
        Always UNKNOWN for now, with ``metrics['reason'] = 'no_chain_data'``.
    """
    config = config or load_config()
    return CheckResult("chain", "UNKNOWN", metrics={"reason": "no_chain_data"},
                       rule=config.rule("chain"), message_key="chk.chain.unavailable",
                       params={"product": product or ""})
