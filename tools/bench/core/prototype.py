"""The seed's Python prototype, its data path only (stdlib): PresenceData dataclasses in a dict cache keyed by
user id then platform, listeners called on every update (no change detection), and the highest-priority fresh
status computed on each read. Statuses arrive already mapped by the seed's table (its simulated adapters return
PresenceStatus values; there is no normalization step). The methods are synchronous here: the seed's are
`async def`, and leaving out the coroutine overhead only flatters the prototype.

Run: python3 prototype.py --people N  (prints one JSON line, like worker.mjs)
"""
import argparse
import gc
import json
import random
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Callable, Dict, List, Optional

PLATFORM_COUNT = 6
BATCH = 100
READS = 200_000
AVAILABILITY_IDS = 1_000


class PresenceStatus(Enum):
    ONLINE = "online"
    IDLE = "idle"
    BUSY = "busy"
    AWAY = "away"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class Platform(Enum):
    DISCORD = "discord"
    SLACK = "slack"
    TEAMS = "teams"
    ZOOM = "zoom"
    WHATSAPP = "whatsapp"
    LINKEDIN = "linkedin"


@dataclass
class PresenceData:
    user_id: str
    platform: Platform
    status: PresenceStatus
    last_seen: datetime
    last_updated: datetime
    raw_status: Optional[str] = None
    activity: Optional[str] = None
    custom_message: Optional[str] = None


# The seed's "Platform Mapping" table, as its simulated adapters apply it.
S = PresenceStatus
NATIVE = {
    Platform.DISCORD: {"online": S.ONLINE, "idle": S.IDLE, "dnd": S.BUSY, "offline": S.OFFLINE},
    Platform.SLACK: {"active": S.ONLINE, "away": S.AWAY, "dnd": S.BUSY},
    Platform.TEAMS: {"available": S.ONLINE, "busy": S.BUSY, "away": S.AWAY, "offline": S.OFFLINE},
    Platform.ZOOM: {"available": S.ONLINE, "busy": S.BUSY, "away": S.AWAY},
    Platform.WHATSAPP: {"online": S.ONLINE, "last seen": S.AWAY},
    Platform.LINKEDIN: {"active": S.ONLINE, "away": S.AWAY},
}


class PresenceAggregator:
    def __init__(self) -> None:
        self.presence_cache: Dict[str, Dict[Platform, PresenceData]] = {}
        self.presence_listeners: List[Callable] = []
        self.cache_ttl = timedelta(seconds=300)
        self.status_priority = {S.ONLINE: 5, S.IDLE: 4, S.BUSY: 3, S.AWAY: 2, S.OFFLINE: 1, S.UNKNOWN: 0}

    def add_presence_listener(self, callback: Callable) -> None:
        self.presence_listeners.append(callback)

    def _update_presence(self, user_id: str, platform: Platform, data: PresenceData) -> None:
        if user_id not in self.presence_cache:
            self.presence_cache[user_id] = {}
        self.presence_cache[user_id][platform] = data
        for listener in self.presence_listeners:
            listener(user_id, platform, data)

    def get_aggregated_presence(self, user_id: str) -> PresenceStatus:
        if user_id not in self.presence_cache:
            return S.UNKNOWN
        now = datetime.now()
        best = S.UNKNOWN
        best_priority = -1
        for data in self.presence_cache[user_id].values():
            if now - data.last_updated > self.cache_ttl:
                continue
            priority = self.status_priority[data.status]
            if priority > best_priority:
                best, best_priority = data.status, priority
        return best

    def are_users_available(self, user_ids: List[str]) -> Dict[str, bool]:
        available = (S.ONLINE, S.IDLE)
        return {user_id: self.get_aggregated_presence(user_id) in available for user_id in user_ids}


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    count = parser.parse_args().people
    rounds = max(2, -(-1_200_000 // (count * PLATFORM_COUNT)))
    user_ids = [f"person-{i}" for i in range(count)]
    platforms = list(Platform)
    natives = [(platform, list(NATIVE[platform].items())) for platform in platforms]
    aggregator = PresenceAggregator()
    heard = [0]

    def listener(user_id, platform, data):
        heard[0] += 1

    aggregator.add_presence_listener(listener)
    rand = random.Random(0x2545F491).getrandbits

    # Rates per CPU second of the process, as worker.mjs measures them; wall-clock rates are kept too.
    started = time.perf_counter()
    cpu = time.process_time()
    for _ in range(rounds):
        for platform, table in natives:
            size = len(table)
            for i in range(0, count, BATCH):
                batch = []
                for user_id in user_ids[i : i + BATCH]:
                    raw, status = table[rand(16) % size]
                    now = datetime.now()
                    batch.append(PresenceData(user_id, platform, status, now, now, raw))
                for data in batch:
                    aggregator._update_presence(data.user_id, platform, data)
    ingest_wall = rounds * count * PLATFORM_COUNT / (time.perf_counter() - started)
    ingest_per_sec = rounds * count * PLATFORM_COUNT / (time.process_time() - cpu)

    read_ids = [user_ids[rand(32) % count] for _ in range(4096)]
    online = 0
    started = time.perf_counter()
    cpu = time.process_time()
    for i in range(READS):
        if aggregator.get_aggregated_presence(read_ids[i & 4095]) is S.ONLINE:
            online += 1
    reads_per_sec = READS / (time.process_time() - cpu)
    reads_wall = READS / (time.perf_counter() - started)

    ids = [user_ids[rand(32) % count] for _ in range(AVAILABILITY_IDS)]
    times = []
    for _ in range(50):
        t = time.process_time()
        aggregator.are_users_available(ids)
        times.append((time.process_time() - t) * 1000)

    gc.collect()
    print(json.dumps({
        "impl": "prototype", "people": count, "rounds": rounds, "readings": rounds * count * PLATFORM_COUNT,
        "ingestPerSec": ingest_per_sec, "readsPerSec": reads_per_sec, "ingestWallPerSec": ingest_wall, "readsWallPerSec": reads_wall, "availabilityMs": statistics.median(times),
        "rssMb": rss_mb(), "check": {"heard": heard[0], "people": len(aggregator.presence_cache)},
    }))


if __name__ == "__main__":
    main()
