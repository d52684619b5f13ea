"""Reference data the world is simulated against: the same seeds dbt loads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from omnichannel.paths import SEEDS_DIR

N_PRODUCTS = 240
SUPPLIERS = pd.DataFrame(
    {
        "supplier_id": ["SUP1", "SUP2", "SUP3", "SUP4", "SUP5"],
        "supplier_name": ["Nordtex", "Lumen Works", "Casa Supply", "Audio Parts", "Leder AG"],
        "lead_time_days": [7, 14, 5, 21, 10],
    }
)


@dataclass
class Reference:
    stores: pd.DataFrame
    rates: pd.DataFrame
    categories: pd.DataFrame
    carriers: pd.DataFrame
    products: pd.DataFrame
    suppliers: pd.DataFrame

    def eur_per_unit(self, currency: np.ndarray, dates: np.ndarray) -> np.ndarray:
        """The daily rate of each (currency, date) pair, as the warehouse will join it."""
        keys = pd.MultiIndex.from_arrays([pd.Index(currency), pd.DatetimeIndex(dates).normalize()])
        table = self.rates.set_index(["currency_code", "rate_date"])["eur_per_unit"]
        return table.reindex(keys).to_numpy()


def load_reference(rng: np.random.Generator, seeds_dir: Path = SEEDS_DIR) -> Reference:
    stores = pd.read_csv(seeds_dir / "stores.csv", dtype=str)
    rates = pd.read_csv(seeds_dir / "exchange_rates.csv", dtype={"currency_code": str})
    rates["rate_date"] = pd.to_datetime(rates["rate_date"])
    categories = pd.read_csv(seeds_dir / "product_categories.csv", dtype=str)
    carriers = pd.read_csv(seeds_dir / "carriers.csv", dtype=str)
    number = np.arange(1, N_PRODUCTS + 1)
    price = np.round(np.exp(rng.normal(3.6, 0.7, N_PRODUCTS)).clip(5, 400), 2)
    popularity = 1.0 / number**0.8
    revenue_rank = np.argsort(-(popularity * price), kind="stable")
    abc = np.empty(N_PRODUCTS, dtype=object)
    abc[revenue_rank[: int(0.2 * N_PRODUCTS)]] = "A"
    abc[revenue_rank[int(0.2 * N_PRODUCTS) : int(0.5 * N_PRODUCTS)]] = "B"
    abc[revenue_rank[int(0.5 * N_PRODUCTS) :]] = "C"
    products = pd.DataFrame(
        {
            "sku": np.char.add("SKU", np.char.zfill(number.astype(str), 5)),
            "product_name": [f"Product {i}" for i in number],
            "category_id": categories["category_id"].to_numpy()[
                rng.integers(0, len(categories), N_PRODUCTS)
            ],
            "abc_class": abc,
            "list_price_eur": price,
            "unit_cost_eur": np.round(price * rng.uniform(0.35, 0.6, N_PRODUCTS), 2),
            "supplier_id": SUPPLIERS["supplier_id"].to_numpy()[
                rng.integers(0, len(SUPPLIERS), N_PRODUCTS)
            ],
            "popularity": popularity / popularity.sum(),
        }
    )
    return Reference(stores, rates, categories, carriers, products, SUPPLIERS.copy())
