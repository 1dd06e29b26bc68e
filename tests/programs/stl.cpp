// The C++ library: containers, algorithms, strings, std::thread, thread_local.
#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <numeric>
#include <sstream>
#include <thread>
#include <vector>

thread_local int per_thread = 0;

int main()
{
    std::vector<int> v(1000);
    std::iota(v.begin(), v.end(), 1);
    std::reverse(v.begin(), v.end());
    std::sort(v.begin(), v.end());
    std::map<std::string, int> words;
    std::istringstream in("the quick brown fox jumps over the lazy dog the end");
    for (std::string w; in >> w;)
        words[w]++;
    std::atomic<int> sum{0};
    std::vector<std::thread> pool;
    for (int i = 1; i <= 4; i++)
        pool.emplace_back([i, &sum] { per_thread = i * 10; sum += per_thread; });
    for (auto &t : pool)
        t.join();
    std::cout << "sum=" << std::accumulate(v.begin(), v.end(), 0L) << " first=" << v.front()
              << " words=" << words.size() << " the=" << words["the"]
              << " threads=" << sum.load() << " main_tls=" << per_thread << '\n';
    return 0;
}
