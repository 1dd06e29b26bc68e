// C++ exceptions through several frames, RAII unwinding, iostream.
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

struct Guard {
    std::string name;
    explicit Guard(std::string n) : name(std::move(n)) {}
    ~Guard() { std::cout << "unwound " << name << '\n'; }
};

static int depth(int n)
{
    Guard g("frame " + std::to_string(n));
    if (n == 0)
        throw std::runtime_error("bottom reached");
    return depth(n - 1) + 1;
}

int main()
{
    try {
        depth(3);
    } catch (const std::exception &e) {
        std::cout << "caught: " << e.what() << '\n';
    }
    try {
        auto p = std::make_unique<int[]>(4);
        p[0] = 42;
        throw p[0];
    } catch (int v) {
        std::cout << "caught int " << v << '\n';
    }
    return 0;
}
