"""What staff read about use: counters, the stats table and chart."""
