"""Altair charts with a title, axis labels and units on every one."""

from __future__ import annotations

import altair as alt
import pandas as pd

MONEY_FORMAT = ",.0f"  # axis titles say "(EUR)"
PERCENT_FORMAT = ".1%"


def line(
    frame: pd.DataFrame,
    x: str,
    y: str,
    color: str | None,
    title: str,
    x_title: str,
    y_title: str,
    y_format: str = MONEY_FORMAT,
    x_format: str = "%d %b %Y",
    tick_interval: str | None = None,
) -> alt.Chart:
    """A line chart over time; one line per `color` value (ticks every `tick_interval`)."""
    axis = alt.Axis(format=x_format, labelAngle=-30)
    if tick_interval:
        axis = alt.Axis(format=x_format, labelAngle=-30, tickCount=tick_interval)
    encoding = {
        "x": alt.X(f"{x}:T", title=x_title, axis=axis),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format)),
        "tooltip": [
            alt.Tooltip(f"{x}:T", title=x_title, format=x_format),
            alt.Tooltip(f"{y}:Q", title=y_title, format=y_format),
        ],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=color.replace("_", " "))
        encoding["tooltip"].append(alt.Tooltip(f"{color}:N"))
    return alt.Chart(frame, title=title).mark_line(point=True).encode(**encoding)


def bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    color: str | None,
    title: str,
    x_title: str,
    y_title: str,
    y_format: str = MONEY_FORMAT,
    x_type: str = "N",
    stacked: bool = False,
    x_sort: list[str] | None = None,
) -> alt.Chart:
    """A bar chart; grouped side by side by `color` unless stacked."""
    encoding = {
        "x": alt.X(f"{x}:{x_type}", title=x_title, sort=x_sort, axis=alt.Axis(labelLimit=250)),
        "y": alt.Y(
            f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format), stack=True if stacked else None
        ),
        "tooltip": [
            alt.Tooltip(f"{x}:{x_type}", title=x_title),
            alt.Tooltip(f"{y}:Q", title=y_title, format=y_format),
        ],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=color.replace("_", " "))
        encoding["tooltip"].append(alt.Tooltip(f"{color}:N"))
        if not stacked:
            encoding["xOffset"] = alt.XOffset(f"{color}:N")
    return alt.Chart(frame, title=title).mark_bar().encode(**encoding)


def heatmap(
    frame: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    title: str,
    x_title: str,
    y_title: str,
    value_title: str,
    value_format: str = PERCENT_FORMAT,
) -> alt.Chart:
    """A heatmap (e.g. cohort x month since first order)."""
    return (
        alt.Chart(frame, title=title)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:O", title=x_title),
            y=alt.Y(f"{y}:O", title=y_title),
            color=alt.Color(
                f"{value}:Q", title=value_title, legend=alt.Legend(format=value_format)
            ),
            tooltip=[
                alt.Tooltip(f"{y}:O", title=y_title),
                alt.Tooltip(f"{x}:O", title=x_title),
                alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
            ],
        )
    )
