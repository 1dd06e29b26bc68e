#include <iostream>
#include <string>

extern "C" void greet(const char *who);

int main()
{
    std::string who = "a build system";
    greet(who.c_str());
    std::cout << "and from C++" << std::endl;
    return 0;
}
